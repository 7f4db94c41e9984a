namespace Coffer.Audit.Digests;

/// <summary>
/// A digest ready to deliver: <see cref="Content"/> (gzip it for the .json.gz object) with
/// <see cref="Signature"/> in the object's x-amz-meta-signature metadata, as CloudTrail does.
/// </summary>
public sealed record SignedDigest(AuditDigest Digest, byte[] Content, string Signature)
{
    public string S3Bucket => Digest.DigestS3Bucket;

    public string S3Object => Digest.DigestS3Object;

    /// <summary>What to keep for the next digest.</summary>
    public DigestLink Link => new(S3Bucket, S3Object, Digest.DigestEndTime, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Content)), Signature);
}
