using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Coffer.Storage.Blobs.FileSystem;

/// <summary>
/// Blobs as files under the data directory: written to <c>tmp/</c>, fsync'd, renamed into
/// <c>blobs/xx/</c> and the directory fsync'd, so a committed blob survives a crash and an
/// uncommitted one is never mistaken for content.
/// </summary>
public sealed class FileBlobStore : IBlobStore
{
    private readonly string _blobRoot;
    private readonly string _tempRoot;
    private readonly ConcurrentDictionary<string, byte> _activeTemps = new(StringComparer.Ordinal);

    public FileBlobStore(string dataDirectory)
    {
        _blobRoot = Path.Combine(dataDirectory, "blobs");
        _tempRoot = Path.Combine(dataDirectory, "tmp");
        Directory.CreateDirectory(_blobRoot);
        Directory.CreateDirectory(_tempRoot);
    }

    public IBlobWriter CreateWriter(long? expectedSize)
    {
        var id = NewId();
        var tempPath = Path.Combine(_tempRoot, id + ".tmp");
        _activeTemps[tempPath] = 0;
        try
        {
            var stream = new FileStream(tempPath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                BufferSize = 0,
                PreallocationSize = expectedSize is > 0 and < 1L << 40 ? expectedSize.Value : 0,
            });
            return new Writer(this, id, tempPath, stream);
        }
        catch
        {
            _activeTemps.TryRemove(tempPath, out _);
            throw;
        }
    }

    public Stream OpenRead(string blobId) => new FileStream(PathOf(blobId), new FileStreamOptions
    {
        Mode = FileMode.Open,
        Access = FileAccess.Read,
        Share = FileShare.ReadWrite | FileShare.Delete,
        BufferSize = 0,
    });

    public void Delete(string blobId)
    {
        try
        {
            File.Delete(PathOf(blobId));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public int SweepTemporaryFiles()
    {
        var removed = 0;
        foreach (var path in Directory.EnumerateFiles(_tempRoot))
        {
            if (_activeTemps.ContainsKey(path))
            {
                continue;
            }

            try
            {
                File.Delete(path);
                removed++;
            }
            catch (IOException)
            {
            }
        }

        return removed;
    }

    public IEnumerable<string> EnumerateBlobIds()
    {
        foreach (var directory in Directory.EnumerateDirectories(_blobRoot))
        {
            foreach (var file in Directory.EnumerateFiles(directory))
            {
                yield return Path.GetFileName(file);
            }
        }
    }

    private string PathOf(string blobId)
    {
        if (blobId.Length != 32 || !blobId.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a blob id.", nameof(blobId));
        }

        return Path.Combine(_blobRoot, blobId[..2], blobId);
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private sealed class Writer(FileBlobStore store, string id, string tempPath, FileStream stream) : IBlobWriter
    {
        private const long WritebackInterval = 8 * 1024 * 1024;

        private bool _committed;
        private long _written;
        private long _writebackStarted;

        public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            await stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
            _written += data.Length;
            if (_written - _writebackStarted >= WritebackInterval)
            {
                DirectorySync.StartWriteback(stream.SafeFileHandle, _writebackStarted, _written - _writebackStarted);
                _writebackStarted = _written;
            }
        }

        public async Task<string> CommitAsync(CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync().ConfigureAwait(false);

            var finalPath = store.PathOf(id);
            var directory = Path.GetDirectoryName(finalPath)!;
            Directory.CreateDirectory(directory);
            File.Move(tempPath, finalPath);
            DirectorySync.Flush(directory);
            _committed = true;
            store._activeTemps.TryRemove(tempPath, out _);
            return id;
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (!_committed)
            {
                try
                {
                    File.Delete(tempPath);
                }
                catch (IOException)
                {
                    // Left for the sweeper.
                }

                store._activeTemps.TryRemove(tempPath, out _);
            }
        }
    }
}
