using Coffer.Storage.Multipart;

namespace Coffer.Storage.Blobs;

/// <summary>Reads a multipart object as one stream: its part blobs in order, from an offset, opening each part when reached.</summary>
internal sealed class PartsReadStream : Stream
{
    private readonly IBlobStore _blobs;
    private readonly IReadOnlyList<PartInfo> _parts;
    private readonly IDisposable _lease;
    private int _index;
    private long _offsetInPart;
    private Stream? _current;

    public PartsReadStream(IBlobStore blobs, IReadOnlyList<PartInfo> parts, long offset, IDisposable lease)
    {
        _blobs = blobs;
        _parts = parts;
        _lease = lease;
        _index = 0;
        while (_index < parts.Count && offset >= parts[_index].Size)
        {
            offset -= parts[_index].Size;
            _index++;
        }

        _offsetInPart = offset;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_index < _parts.Count)
        {
            if (_current is null)
            {
                _current = _blobs.OpenRead(_parts[_index].BlobId);
                if (_offsetInPart > 0)
                {
                    _current.Seek(_offsetInPart, SeekOrigin.Begin);
                    _offsetInPart = 0;
                }
            }

            var n = await _current.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n > 0 || buffer.IsEmpty)
            {
                return n;
            }

            await _current.DisposeAsync().ConfigureAwait(false);
            _current = null;
            _index++;
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _current?.Dispose();
            _lease.Dispose();
        }

        base.Dispose(disposing);
    }
}
