namespace Coffer.Audit.Verification;

/// <summary>A log file as found in the bucket; <paramref name="Content"/> may be gzip-compressed or not.</summary>
public sealed record DeliveredLogFile(string S3Bucket, string S3Object, ReadOnlyMemory<byte> Content);
