using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coffer.Audit.Records;

namespace Coffer.Audit.Digests;

/// <summary>
/// Makes and checks digest files. What is signed follows CloudTrail's data-signing string, with
/// ECDSA in place of RSA; format, must not change:
/// <code>
/// digestEndTime (as written in the digest, e.g. 2026-01-02T03:00:00Z) + "\n"
/// + digestS3Bucket + "/" + digestS3Object + "\n"
/// + hex(SHA-256(the digest file's uncompressed bytes)) + "\n"
/// + previousDigestSignature (hex), or "null" for the first digest
/// </code>
/// signed as SHA256withECDSA (P-256, DER signature, hex). Because each digest signs the previous
/// one's signature, digests form a chain; one is made every period even with no log files, so a
/// missing digest shows as a break.
/// </summary>
public static class AuditDigests
{
    public const string SignatureAlgorithm = "SHA256withECDSA";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static SignedDigest Create(DigestRequest request, DigestLink? previous, AuditSigningKey key)
    {
        var start = previous?.EndTime ?? request.StartTime;
        if (request.EndTime <= start)
        {
            throw new ArgumentException($"A digest must end after it starts ({CloudTrailTimeConverter.ToText(start)}).", nameof(request));
        }

        var times = request.LogFiles.Where(f => f.NewestEventTime is not null).Select(f => f.NewestEventTime!.Value)
            .Concat(request.LogFiles.Where(f => f.OldestEventTime is not null).Select(f => f.OldestEventTime!.Value))
            .ToList();
        var digest = new AuditDigest
        {
            AwsAccountId = request.AccountId,
            DigestStartTime = start,
            DigestEndTime = request.EndTime,
            DigestS3Bucket = request.S3Bucket,
            DigestS3Object = CloudTrailObjectKeys.Digest(request.AccountId, request.Region, request.TrailName, request.EndTime),
            DigestPublicKeyFingerprint = key.Fingerprint,
            DigestSignatureAlgorithm = SignatureAlgorithm,
            NewestEventTime = times.Count > 0 ? times.Max() : null,
            OldestEventTime = times.Count > 0 ? times.Min() : null,
            PreviousDigestS3Bucket = previous?.S3Bucket,
            PreviousDigestS3Object = previous?.S3Object,
            PreviousDigestHashValue = previous?.HashValue,
            PreviousDigestHashAlgorithm = previous is null ? null : "SHA-256",
            PreviousDigestSignature = previous?.Signature,
            LogFiles = request.LogFiles,
        };

        var content = Serialize(digest);
        var signature = key.Sign(StringToSign(digest, content));
        return new SignedDigest(digest, content, Convert.ToHexStringLower(signature));
    }

    /// <summary>The digest as delivered (before gzip): the bytes whose hash the signature covers.</summary>
    public static byte[] Serialize(AuditDigest digest)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            JsonSerializer.Serialize(writer, digest, AuditJsonContext.Default.AuditDigest);
        }

        return buffer.ToArray();
    }

    public static AuditDigest Parse(ReadOnlySpan<byte> content) =>
        JsonSerializer.Deserialize(content, AuditJsonContext.Default.AuditDigest)
        ?? throw new JsonException("A digest cannot be null.");

    /// <summary>The UTF-8 data-signing string for a digest whose file bytes are <paramref name="content"/>.</summary>
    public static byte[] StringToSign(AuditDigest digest, ReadOnlySpan<byte> content) =>
        Encoding.UTF8.GetBytes(string.Concat(
            CloudTrailTimeConverter.ToText(digest.DigestEndTime), "\n",
            digest.DigestS3Bucket, "/", digest.DigestS3Object, "\n",
            Convert.ToHexStringLower(SHA256.HashData(content)), "\n",
            digest.PreviousDigestSignature ?? "null"));

    /// <summary>Whether <paramref name="signature"/> (hex) signs this digest under <paramref name="key"/>.</summary>
    public static bool VerifySignature(AuditDigest digest, ReadOnlySpan<byte> content, string signature, AuditPublicKey key)
    {
        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromHexString(signature);
        }
        catch (FormatException)
        {
            return false;
        }

        return key.Verify(StringToSign(digest, content), signatureBytes);
    }
}
