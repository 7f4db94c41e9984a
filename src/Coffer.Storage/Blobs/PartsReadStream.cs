using Coffer.Storage.Multipart;

namespace Coffer.Storage.Blobs;

/// <summary>
/// Reads bytes <c>start</c> to <c>end</c> of a multipart object as one stream: its parts in
/// order, each opened (through its own opener, as each part is sealed on its own) when reached.
/// </summary>
internal sealed class PartsReadStream : Stream
{
    private readonly IReadOnlyList<PartInfo> _parts;
    private readonly Func<PartInfo, long, long, CancellationToken, ValueTask<Stream>> _openPart;
    private readonly IDisposable _lease;
    private readonly long _end;
    private int _index;
    private long _partStart;
    private long _offsetInPart;
    private Stream? _current;

    /// <param name="openPart">Opens a part from an offset to an end offset (inclusive) within it.</param>
    public PartsReadStream(IReadOnlyList<PartInfo> parts, long start, long end, Func<PartInfo, long, long, CancellationToken, ValueTask<Stream>> openPart, IDisposable lease)
    {
        _parts = parts;
        _openPart = openPart;
        _lease = lease;
        _end = end;
        while (_index < parts.Count && start >= _partStart + parts[_index].Size)
        {
            _partStart += parts[_index].Size;
            _index++;
        }

        _offsetInPart = start - _partStart;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>
    /// Opens the part the read starts in now rather than at the first read, so that a refusal to
    /// open it (its KMS key disabled, say) is an error response, not a response cut short.
    /// </summary>
    public async ValueTask OpenFirstPartAsync(CancellationToken cancellationToken)
    {
        if (_index < _parts.Count && _partStart <= _end)
        {
            await OpenCurrentPartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_index < _parts.Count && _partStart <= _end)
        {
            var part = _parts[_index];
            await OpenCurrentPartAsync(cancellationToken).ConfigureAwait(false);

            var n = _current is null ? 0 : await _current.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n > 0 || buffer.IsEmpty)
            {
                return n;
            }

            if (_current is not null)
            {
                await _current.DisposeAsync().ConfigureAwait(false);
                _current = null;
            }

            _partStart += part.Size;
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

    private async ValueTask OpenCurrentPartAsync(CancellationToken cancellationToken)
    {
        var part = _parts[_index];
        if (_current is null && part.Size > 0)
        {
            _current = await _openPart(part, _offsetInPart, Math.Min(part.Size - 1, _end - _partStart), cancellationToken).ConfigureAwait(false);
            _offsetInPart = 0;
        }
    }
}
