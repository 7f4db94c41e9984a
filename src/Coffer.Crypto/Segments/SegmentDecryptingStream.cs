using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;

namespace Coffer.Crypto.Segments;

/// <summary>
/// Reads the plaintext of an encrypted blob, or of a range of it, decrypting only the segments the
/// range touches. Each segment is verified before any of its bytes are returned; a blob that is not
/// exactly what was written throws <see cref="SegmentAuthenticationException"/>, then and on every
/// later read. Ciphertext is read in batches of about 1 MiB, never past the last segment needed
/// (bar one byte after the final segment, to see that the blob ends there).
/// </summary>
public sealed class SegmentDecryptingStream : Stream
{
    private const int BatchSize = 1024 * 1024;

    private readonly Stream _ciphertext;
    private readonly bool _leaveOpen;
    private readonly SegmentCipher _cipher;
    private readonly SegmentLayout _layout;
    private readonly long _lastSegment;
    private readonly int _batchSegments;
    private readonly int _capacity;

    // Sealed segments read ahead. A segment is opened in place unless it goes straight to the
    // reader, so the array holds plaintext and is cleared before it goes back to the pool.
    private byte[]? _buffer;
    private int _filled;
    private int _used;
    private int _expected;
    private bool _trailingBytes;
    private int _sealedOffset;
    private long _batchLastSegment;

    private long _nextSegment;
    private int _skip;
    private long _remaining;
    private int _plaintextOffset;
    private int _plaintextEnd;
    private ExceptionDispatchInfo? _failure;
    private bool _disposed;

    /// <summary>Reads the whole object; <paramref name="ciphertext"/> is positioned at the start of the blob.</summary>
    public SegmentDecryptingStream(Stream ciphertext, DataKey key, SegmentBinding binding, SegmentLayout layout, bool leaveOpen = false)
        : this(ciphertext, key, binding, layout, layout.Whole, leaveOpen)
    {
    }

    /// <summary>
    /// Reads plaintext bytes <paramref name="start"/> to <paramref name="end"/> (both included);
    /// <paramref name="ciphertext"/> is positioned at <see cref="SegmentRange.CiphertextOffset"/> of
    /// <see cref="SegmentLayout.GetRange"/> for the same bounds.
    /// </summary>
    public SegmentDecryptingStream(Stream ciphertext, DataKey key, SegmentBinding binding, SegmentLayout layout, long start, long end, bool leaveOpen = false)
        : this(ciphertext, key, binding, layout, layout.GetRange(start, end), leaveOpen)
    {
    }

    private SegmentDecryptingStream(Stream ciphertext, DataKey key, SegmentBinding binding, SegmentLayout layout, SegmentRange range, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        _ciphertext = ciphertext;
        _leaveOpen = leaveOpen;
        _layout = layout;
        _lastSegment = range.LastSegment;
        _nextSegment = range.FirstSegment;
        _batchLastSegment = range.FirstSegment - 1;
        _skip = range.SkipBytes;
        _remaining = range.PlaintextLength;
        _batchSegments = Math.Max(1, BatchSize / (layout.SegmentSize + SegmentLayout.TagSize));
        _capacity = (int)Math.Min(range.CiphertextLength, _batchSegments * (layout.SegmentSize + SegmentLayout.TagSize)) + 1;
        _cipher = new SegmentCipher(key, binding, layout.SegmentSize);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        while ((read = DecryptBuffered(buffer)) < 0)
        {
            var request = StartFill();
            EndFill(_ciphertext.ReadAtLeast(_buffer.AsSpan(0, request), request, throwOnEndOfStream: false));
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        while ((read = DecryptBuffered(buffer.Span)) < 0)
        {
            var request = StartFill();
            EndFill(await _ciphertext.ReadAtLeastAsync(_buffer.AsMemory(0, request), request, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false));
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            if (_buffer is not null)
            {
                CryptographicOperations.ZeroMemory(_buffer.AsSpan(0, _used));
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
            }

            _cipher.Dispose();
            if (!_leaveOpen)
            {
                _ciphertext.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Fills <paramref name="buffer"/> from segments already read, verifying each before any of its
    /// bytes is handed out; -1 when more ciphertext must be read first.
    /// </summary>
    private int DecryptBuffered(Span<byte> buffer)
    {
        _failure?.Throw();
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var total = 0;
        while (_plaintextOffset == _plaintextEnd && _nextSegment <= _lastSegment)
        {
            if (_nextSegment > _batchLastSegment)
            {
                return total > 0 ? total : -1;
            }

            try
            {
                total += OpenNext(buffer[total..]);
            }
            catch (SegmentAuthenticationException) when (total > 0)
            {
                // Hand out the verified segments first; the failure comes with the next read.
                return total;
            }
        }

        return total > 0 ? total : Deliver(buffer);
    }

    /// <summary>How many bytes to read for the next batch of segments: one more after the final segment, to see that the blob ends there.</summary>
    private int StartFill()
    {
        var last = Math.Min(_nextSegment + _batchSegments - 1, _lastSegment);
        _batchLastSegment = last;
        _expected = (int)(_layout.SealedOffset(last) - _layout.SealedOffset(_nextSegment)) + _layout.PlaintextLengthOf(last) + SegmentLayout.TagSize;
        _buffer ??= ArrayPool<byte>.Shared.Rent(_capacity);
        return last == _layout.LastSegment ? _expected + 1 : _expected;
    }

    private void EndFill(int read)
    {
        _filled = Math.Min(read, _expected);
        _trailingBytes = read > _expected;
        _used = Math.Max(_used, read);
        _sealedOffset = 0;
    }

    /// <summary>
    /// Verifies and decrypts the next segment: straight into <paramref name="destination"/> when all
    /// of its plaintext is wanted and fits (returning how many bytes it put there), else in place,
    /// to be delivered from the buffer (returning 0).
    /// </summary>
    private int OpenNext(Span<byte> destination)
    {
        var segment = _nextSegment;
        var final = segment == _layout.LastSegment;
        var plaintextLength = _layout.PlaintextLengthOf(segment);
        var sealedLength = plaintextLength + SegmentLayout.TagSize;
        var direct = _skip == 0 && _remaining >= plaintextLength && destination.Length >= plaintextLength;
        try
        {
            if (_filled - _sealedOffset < sealedLength)
            {
                throw new SegmentAuthenticationException(segment, "the blob ends before it does");
            }

            if (final && _trailingBytes)
            {
                throw new SegmentAuthenticationException(segment, "bytes follow the final segment");
            }

            var sealedSegment = _buffer.AsSpan(_sealedOffset, sealedLength);
            _cipher.Open(segment, final, sealedSegment, direct ? destination : sealedSegment);
        }
        catch (SegmentAuthenticationException e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
            throw;
        }

        var delivered = 0;
        if (direct)
        {
            delivered = plaintextLength;
            _remaining -= plaintextLength;
        }
        else
        {
            _plaintextOffset = _sealedOffset + _skip;
            _plaintextEnd = _sealedOffset + (int)Math.Min(plaintextLength, _skip + _remaining);
            _remaining -= _plaintextEnd - _plaintextOffset;
        }

        _skip = 0;
        _sealedOffset += sealedLength;
        _nextSegment++;
        return delivered;
    }

    private int Deliver(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _plaintextEnd - _plaintextOffset);
        _buffer.AsSpan(_plaintextOffset, count).CopyTo(destination);
        _plaintextOffset += count;
        return count;
    }
}
