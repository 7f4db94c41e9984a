using System.Collections.Concurrent;
using Coffer.Policy;
using Coffer.Storage;

namespace Coffer.Protocol.S3;

/// <summary>
/// Bucket policies, compiled and cached: every request to a bucket consults its policy, so it
/// is read from the metadata store only after it changes.
/// </summary>
internal sealed class BucketPolicies(IMetadataStore metadata)
{
    public const string ConfigName = "policy";

    private const int MaxCached = 10_000;

    private readonly ConcurrentDictionary<string, PolicySource?> _cache = new(StringComparer.Ordinal);
    private long _generation;

    /// <summary>The bucket's policy; null when it has none or the bucket does not exist.</summary>
    public async ValueTask<PolicySource?> GetAsync(string bucket, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(bucket, out var cached))
        {
            return cached;
        }

        var generation = Interlocked.Read(ref _generation);
        string? text;
        try
        {
            text = await metadata.GetBucketConfigAsync(bucket, ConfigName, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.Error == StorageError.NoSuchBucket)
        {
            return null;
        }

        var source = text is null ? null : Compile(bucket, text);

        // A change that landed while this read was in flight must not be papered over.
        if (Interlocked.Read(ref _generation) == generation)
        {
            if (_cache.Count >= MaxCached)
            {
                _cache.Clear();
            }

            _cache[bucket] = source;
        }

        return source;
    }

    public static PolicySource Compile(string bucket, string text) =>
        new("arn:aws:s3:::" + bucket, PolicySourceType.Resource, PolicyCache.Get(text, PolicyKind.Resource));

    public async Task SetAsync(string bucket, string? text, CancellationToken cancellationToken)
    {
        try
        {
            await metadata.SetBucketConfigAsync(bucket, ConfigName, text, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Forget(bucket);
        }
    }

    /// <summary>Drops what is cached for a bucket that was created, deleted or changed.</summary>
    public void Forget(string bucket)
    {
        Interlocked.Increment(ref _generation);
        _cache.TryRemove(bucket, out _);
    }
}
