namespace Coffer.Audit.Digests;

/// <summary>What the next digest needs of the last one: where it is, when it ended, its hash and signature.</summary>
public sealed record DigestLink(string S3Bucket, string S3Object, DateTimeOffset EndTime, string HashValue, string Signature);
