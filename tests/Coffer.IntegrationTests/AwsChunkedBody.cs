using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Coffer.Protocol.Auth;

namespace Coffer.IntegrationTests;

/// <summary>
/// Builds aws-chunked request bodies the way SDKs stream them: signed chunks chained from the
/// request's seed signature (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) or unsigned chunks
/// followed by a trailing checksum (STREAMING-UNSIGNED-PAYLOAD-TRAILER).
/// </summary>
public static partial class AwsChunkedBody
{
    private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>
    /// Signed chunks. <paramref name="signedRequest"/> is the request already signed with the
    /// streaming payload hash; its Authorization header gives the seed signature.
    /// <paramref name="forgeChunk"/> names a chunk (0-based, the final empty chunk included) whose signature is replaced.
    /// </summary>
    public static byte[] Signed(
        HttpRequestMessage signedRequest,
        string secretKey,
        byte[] data,
        int chunkSize,
        int? forgeChunk = null,
        (string Name, string Value)? trailer = null,
        bool forgeTrailer = false)
    {
        var authorization = signedRequest.Headers.Authorization!.ToString();
        var seed = SignatureOf().Match(authorization).Groups[1].Value;
        var credential = CredentialOf().Match(authorization).Groups[1].Value.Split('/');
        var amzDate = signedRequest.Headers.GetValues("x-amz-date").Single();
        var scope = string.Join('/', credential[1..]);
        var key = SigV4.SigningKey(Encoding.UTF8.GetBytes(secretKey), credential[1], credential[2], credential[3]);

        var body = new MemoryStream();
        var previous = seed;
        var index = 0;
        foreach (var chunk in Chunks(data, chunkSize).Append([]))
        {
            var signature = SigV4.Signature(key, $"AWS4-HMAC-SHA256-PAYLOAD\n{amzDate}\n{scope}\n{previous}\n{EmptySha256}\n{SigV4.HexSha256(chunk)}");
            previous = signature;
            if (forgeChunk == index)
            {
                signature = Forge(signature);
            }

            Write(body, $"{chunk.Length.ToString("x", CultureInfo.InvariantCulture)};chunk-signature={signature}\r\n");
            if (chunk.Length > 0)
            {
                body.Write(chunk);
                Write(body, "\r\n");
            }

            index++;
        }

        if (trailer is { } t)
        {
            var canonical = $"{t.Name}:{t.Value}\n";
            var signature = SigV4.Signature(key, $"AWS4-HMAC-SHA256-TRAILER\n{amzDate}\n{scope}\n{previous}\n{SigV4.HexSha256(canonical)}");
            Write(body, $"{t.Name}:{t.Value}\r\nx-amz-trailer-signature:{(forgeTrailer ? Forge(signature) : signature)}\r\n");
        }

        Write(body, "\r\n");
        return body.ToArray();
    }

    /// <summary>Unsigned chunks and a trailing header, as STREAMING-UNSIGNED-PAYLOAD-TRAILER sends them.</summary>
    public static byte[] UnsignedWithTrailer(byte[] data, int chunkSize, string trailerName, string trailerValue)
    {
        var body = new MemoryStream();
        foreach (var chunk in Chunks(data, chunkSize))
        {
            Write(body, chunk.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
            body.Write(chunk);
            Write(body, "\r\n");
        }

        Write(body, $"0\r\n{trailerName}:{trailerValue}\r\n\r\n");
        return body.ToArray();
    }

    private static IEnumerable<byte[]> Chunks(byte[] data, int chunkSize)
    {
        for (var offset = 0; offset < data.Length; offset += chunkSize)
        {
            yield return data[offset..Math.Min(offset + chunkSize, data.Length)];
        }
    }

    private static string Forge(string signature) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes("forged" + signature)));

    private static void Write(MemoryStream body, string text) => body.Write(Encoding.ASCII.GetBytes(text));

    [GeneratedRegex("Signature=([0-9a-f]{64})")]
    private static partial Regex SignatureOf();

    [GeneratedRegex("Credential=([^,]+)")]
    private static partial Regex CredentialOf();
}
