namespace Coffer.Audit.Verification;

/// <summary>
/// A digest file as found in the bucket, with the signature from its x-amz-meta-signature metadata.
/// Without one, the next digest's previousDigestSignature stands in, as CloudTrail's validator does.
/// </summary>
public sealed record DeliveredDigest(string S3Bucket, string S3Object, ReadOnlyMemory<byte> Content, string? Signature);
