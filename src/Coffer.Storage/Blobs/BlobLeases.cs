using System.Collections.Concurrent;

namespace Coffer.Storage.Blobs;

/// <summary>
/// Keeps blobs that readers are streaming from being deleted under them: a delete of a leased
/// blob is deferred until its last lease ends. A single file can be unlinked while open, but a
/// multipart object is read part by part, so its later parts must outlive an overwrite.
/// </summary>
public sealed class BlobLeases(IBlobStore blobs)
{
    private readonly ConcurrentDictionary<string, int> _readers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _deferred = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IDisposable Acquire(IReadOnlyCollection<string> blobIds)
    {
        lock (_gate)
        {
            foreach (var id in blobIds)
            {
                _readers.AddOrUpdate(id, 1, static (_, n) => n + 1);
            }
        }

        return new Lease(this, blobIds);
    }

    public void Delete(string blobId)
    {
        lock (_gate)
        {
            if (_readers.ContainsKey(blobId))
            {
                _deferred[blobId] = 0;
                return;
            }
        }

        blobs.Delete(blobId);
    }

    private void Release(IReadOnlyCollection<string> blobIds)
    {
        var ready = new List<string>();
        lock (_gate)
        {
            foreach (var id in blobIds)
            {
                if (_readers.TryGetValue(id, out var n) && n > 1)
                {
                    _readers[id] = n - 1;
                    continue;
                }

                _readers.TryRemove(id, out _);
                if (_deferred.TryRemove(id, out _))
                {
                    ready.Add(id);
                }
            }
        }

        foreach (var id in ready)
        {
            blobs.Delete(id);
        }
    }

    private sealed class Lease(BlobLeases owner, IReadOnlyCollection<string> blobIds) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(blobIds);
            }
        }
    }
}
