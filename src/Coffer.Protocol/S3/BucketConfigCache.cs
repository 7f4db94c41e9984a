using System.Collections.Concurrent;
using Coffer.Storage;

namespace Coffer.Protocol.S3;

/// <summary>
/// One kind of bucket configuration, parsed and cached: what every request to a bucket consults
/// (its policy, its default encryption) is read from the metadata store only after it changes.
/// </summary>
/// <remarks>Changes made through this process are seen at once: one server per data directory.</remarks>
internal sealed class BucketConfigCache<T>(IMetadataStore metadata, string configName, Func<string, string, T> parse)
    where T : class
{
    private const int MaxCached = 10_000;

    private readonly ConcurrentDictionary<string, T?> _cache = new(StringComparer.Ordinal);
    private long _generation;

    public string ConfigName => configName;

    /// <summary>The bucket's configuration; null when it has none or the bucket does not exist.</summary>
    public async ValueTask<T?> GetAsync(string bucket, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(bucket, out var cached))
        {
            return cached;
        }

        var generation = Interlocked.Read(ref _generation);
        string? text;
        try
        {
            text = await metadata.GetBucketConfigAsync(bucket, configName, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.Error == StorageError.NoSuchBucket)
        {
            return null;
        }

        var value = text is null ? null : parse(bucket, text);

        // A change that landed while this read was in flight must not be papered over.
        if (Interlocked.Read(ref _generation) == generation)
        {
            if (_cache.Count >= MaxCached)
            {
                _cache.Clear();
            }

            _cache[bucket] = value;
        }

        return value;
    }

    public async Task SetAsync(string bucket, string? text, CancellationToken cancellationToken)
    {
        try
        {
            await metadata.SetBucketConfigAsync(bucket, configName, text, cancellationToken).ConfigureAwait(false);
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
