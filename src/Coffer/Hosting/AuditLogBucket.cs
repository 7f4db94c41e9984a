using Coffer.Audit.Delivery;
using Coffer.Protocol.S3;

namespace Coffer.Hosting;

/// <summary>The log bucket for delivery: server-internal writes and reads through the storage layer.</summary>
internal sealed class AuditLogBucket(ServerObjects objects, string name) : IAuditLogBucket
{
    public string Name => name;

    public Task<bool> PutAsync(string key, Stream content, string contentType, string? contentEncoding, IReadOnlyList<KeyValuePair<string, string>> metadata, bool mustNotExist, CancellationToken cancellationToken) =>
        objects.PutAsync(name, key, content, contentType, contentEncoding, metadata, mustNotExist, cancellationToken);

    public async Task<AuditBucketObject?> GetAsync(string key, CancellationToken cancellationToken) =>
        await objects.GetAsync(name, key, cancellationToken).ConfigureAwait(false) is { } found
            ? new AuditBucketObject(found.Content, found.Headers.UserMetadata)
            : null;
}
