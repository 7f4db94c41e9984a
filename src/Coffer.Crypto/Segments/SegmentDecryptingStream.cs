using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;

namespace Coffer.Crypto.Segments;

/// <summary>
/// Reads the plaintext of an encrypted blob, or of a range of it, decrypting only the segments the
/// range touches. Each segment is verified before any of its bytes are returned; a blob that is not
/// exactly what was written throws <see cref="SegmentAuthenticationException"/>, then and on every
/// later read. Ciphertext is read in batches of about 1 MiB, never past the last segment needed.
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

    // Sealed segments read ahead; each is opened in place when reached, so the array holds plaintext.
    private byte[]? _buffer;
    private int _filled;
    private int _used;
    private int _expected;
    private bool _trailingBytes;
    private int _sealedOffset;

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
        while (NeedsSegment(buffer.Length))
        {
            if (_sealedOffset == _filled)
            {
                var request = StartFill();
                EndFill(_ciphertext.ReadAtLeast(_buffer.AsSpan(0, request), request, throwOnEndOfStream: false));
            }

            OpenNext();
        }

        return Deliver(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (NeedsSegment(buffer.Length))
        {
            if (_sealedOffset == _filled)
            {
                var request = StartFill();
                EndFill(await _ciphertext.ReadAtLeastAsync(_buffer.AsMemory(0, request), request, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false));
            }

            OpenNext();
        }

        return Deliver(buffer.Span);
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

    /// <summary>True when no verified plaintext is waiting but another segment of the range is.</summary>
    private bool NeedsSegment(int wanted)
    {
        _failure?.Throw();
        ObjectDisposedException.ThrowIf(_disposed, this);
        return wanted > 0 && _plaintextOffset == _plaintextEnd && _nextSegment <= _lastSegment;
    }

    /// <summary>How many bytes to read for the next batch of segments: one more after the final segment, to see that the blob ends there.</summary>
    private int StartFill()
    {
        var last = Math.Min(_nextSegment + _batchSegments - 1, _lastSegment);
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

    private void OpenNext()
    {
        var segment = _nextSegment;
        var final = segment == _layout.LastSegment;
        var plaintextLength = _layout.PlaintextLengthOf(segment);
        var sealedLength = plaintextLength + SegmentLayout.TagSize;
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

            _cipher.Open(segment, final, _buffer.AsSpan(_sealedOffset, sealedLength));
        }
        catch (SegmentAuthenticationException e)
        {
            _failure = ExceptionDispatchInfo.Capture(e);
            throw;
        }

        _plaintextOffset = _sealedOffset + _skip;
        _plaintextEnd = _sealedOffset + (int)Math.Min(plaintextLength, _skip + _remaining);
        _remaining -= _plaintextEnd - _plaintextOffset;
        _skip = 0;
        _sealedOffset += sealedLength;
        _nextSegment++;
    }

    private int Deliver(Span<byte> destination)
    {
        var count = Math.Min(destination.Length, _plaintextEnd - _plaintextOffset);
        _buffer.AsSpan(_plaintextOffset, count).CopyTo(destination);
        _plaintextOffset += count;
        return count;
    }
}
