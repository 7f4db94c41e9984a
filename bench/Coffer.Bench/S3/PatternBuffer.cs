using System.Security.Cryptography;

namespace Coffer.Bench.S3;

/// <summary>
/// One reusable block of random bytes that every request body is cut from: random so that no
/// compression or deduplication on the server can flatter the figures, reused so that no object is
/// ever held whole in memory.
/// </summary>
internal static class PatternBuffer
{
    public const int Length = 1024 * 1024;

    public static ReadOnlyMemory<byte> Create()
    {
        var bytes = new byte[Length];
        RandomNumberGenerator.Fill(bytes);
        return bytes;
    }
}
