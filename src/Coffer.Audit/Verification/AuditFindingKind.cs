namespace Coffer.Audit.Verification;

public enum AuditFindingKind
{
    /// <summary>A log file's SHA-256 differs from the one its digest lists.</summary>
    LogFileModified,

    /// <summary>A digest lists a log file that is not there.</summary>
    LogFileDeleted,

    /// <summary>A log file no digest lists, from a period digests cover.</summary>
    LogFileInserted,

    /// <summary>Not a failure: a log file newer than the last digest, so not yet covered by one.</summary>
    LogFileNotYetDigested,

    /// <summary>A log file that is not JSON, or lacks its records or chain.</summary>
    LogFileUnreadable,

    /// <summary>A record whose bytes do not give its chain hash.</summary>
    RecordModified,

    /// <summary>Records present that the chain has no place for.</summary>
    RecordInserted,

    /// <summary>Chain hashes with no record left for them.</summary>
    RecordDeleted,

    /// <summary>A record that belongs at another position in the file.</summary>
    RecordReordered,

    /// <summary>A log file does not start where the one before it ended: records or a file are missing between them.</summary>
    ChainGap,

    /// <summary>A digest whose signature does not verify: forged or altered.</summary>
    DigestSignatureInvalid,

    /// <summary>A digest signed by a key not among the trusted public keys.</summary>
    DigestUnknownKey,

    /// <summary>A digest with no signature to check (the newest, delivered without its metadata).</summary>
    DigestUnsigned,

    /// <summary>A digest's previous-digest hash or signature does not match the digest before it.</summary>
    DigestChainBroken,

    /// <summary>A digest does not follow on from the one before it: digests are missing in between.</summary>
    DigestMissing,

    /// <summary>A digest found somewhere other than where it says it was delivered.</summary>
    DigestMoved,

    /// <summary>A digest that is not JSON in the digest layout.</summary>
    DigestUnreadable,
}
