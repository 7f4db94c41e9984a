using Coffer.Audit.Digests;

namespace Coffer.Audit.LogFiles;

/// <summary>What delivering a log file needs to know about it, and what its digest entry holds.</summary>
/// <param name="Sequence">The segment it was made from.</param>
/// <param name="Sha256">Hex SHA-256 of the uncompressed log file: the digest's hashValue.</param>
/// <param name="PreviousHash">The chain hash the file's first record follows.</param>
/// <param name="LastHash">The chain hash of its last record, which the next file starts from.</param>
public sealed record AuditLogFileInfo(
    long Sequence,
    int RecordCount,
    string Sha256,
    DateTimeOffset? OldestEventTime,
    DateTimeOffset? NewestEventTime,
    string PreviousHash,
    string LastHash)
{
    /// <summary>A unique, repeatable part for the object key: the same segment always gets the same name.</summary>
    public string UniqueName => LastHash[..16];

    public AuditDigestLogFile ToDigestEntry(string s3Bucket, string s3Object) => new()
    {
        S3Bucket = s3Bucket,
        S3Object = s3Object,
        HashValue = Sha256,
        NewestEventTime = NewestEventTime,
        OldestEventTime = OldestEventTime,
    };
}
