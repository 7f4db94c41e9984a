using System.Security.Cryptography;

namespace Coffer.IntegrationTests;

/// <summary>Test content: reproducible byte arrays for small bodies, random files on disk for large ones.</summary>
public static class RandomData
{
    public const int MiB = 1024 * 1024;

    public static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Writes <paramref name="length"/> random bytes to a new file, a block at a time, and returns its SHA-256.</summary>
    public static async Task<byte[]> WriteFileAsync(string path, long length)
    {
        var random = new Random();
        var block = new byte[4 * MiB];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        for (var left = length; left > 0;)
        {
            var count = (int)Math.Min(block.Length, left);
            random.NextBytes(block.AsSpan(0, count));
            sha.AppendData(block, 0, count);
            await file.WriteAsync(block.AsMemory(0, count));
            left -= count;
        }

        return sha.GetHashAndReset();
    }

    public static async Task<byte[]> Sha256OfFileAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: MiB);
        return await SHA256.HashDataAsync(file);
    }

    /// <summary>The ETag S3 gives a multipart object: MD5 of the concatenated binary part MD5s, then -N.</summary>
    public static string MultipartETag(params byte[][] parts)
    {
        var md5s = parts.SelectMany(MD5.HashData).ToArray();
        return $"\"{Convert.ToHexStringLower(MD5.HashData(md5s))}-{parts.Length}\"";
    }

    public static string Quoted(string hex) => $"\"{hex}\"";

    public static string Md5ETag(byte[] data) => Quoted(Convert.ToHexStringLower(MD5.HashData(data)));
}
