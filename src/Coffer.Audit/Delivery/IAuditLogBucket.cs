namespace Coffer.Audit.Delivery;

/// <summary>
/// The log bucket as delivery sees it: objects written by the server itself, each sealed and
/// retained as the bucket's defaults say. Implemented over the storage layer by the host.
/// </summary>
public interface IAuditLogBucket
{
    string Name { get; }

    /// <summary>
    /// Stores <paramref name="content"/> as a new version of <paramref name="key"/>, durably before
    /// it completes. With <paramref name="mustNotExist"/>, writes nothing and returns false when the
    /// key already has a current version.
    /// </summary>
    Task<bool> PutAsync(string key, Stream content, string contentType, string? contentEncoding, IReadOnlyList<KeyValuePair<string, string>> metadata, bool mustNotExist, CancellationToken cancellationToken);

    /// <summary>The current version's bytes as stored (gzip for log files and digests) and its user metadata; null when there is none.</summary>
    Task<AuditBucketObject?> GetAsync(string key, CancellationToken cancellationToken);
}
