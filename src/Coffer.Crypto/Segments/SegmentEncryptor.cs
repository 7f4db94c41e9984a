using System.Buffers;
using System.Security.Cryptography;

namespace Coffer.Crypto.Segments;

/// <summary>
/// Encrypts one object's plaintext, given in chunks of any size, into sealed segments written to a
/// destination such as <c>IBlobWriter.WriteAsync</c> or <c>Stream.WriteAsync</c>. The last segment
/// is held back until <see cref="CompleteAsync"/>, which seals it with the final flag. Sealed
/// segments are batched into writes of about 1 MiB.
/// </summary>
public sealed class SegmentEncryptor : Coffer.Storage.Objects.IContentSink
{
    private const int BatchSize = 1024 * 1024;

    private readonly SegmentCipher _cipher;
    private readonly Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> _destination;
    private readonly int _segmentSize;

    // Plaintext of the segment not sealed yet: it becomes final if nothing follows it.
    private byte[]? _pending;
    private int _pendingLength;
    private int _pendingUsed;

    private byte[]? _output;
    private int _outputCapacity;
    private int _outputLength;

    private long _nextSegment;
    private bool _completed;
    private bool _disposed;

    /// <param name="key">The object's data key; it must encrypt nothing else.</param>
    /// <param name="binding">The object the blob belongs to.</param>
    /// <param name="segmentSize">Plaintext bytes per segment, recorded by the caller for reading.</param>
    /// <param name="destination">Receives sealed bytes in order; must be done with the memory when its task completes.</param>
    public SegmentEncryptor(DataKey key, SegmentBinding binding, int segmentSize, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        SegmentLayout.ValidateSegmentSize(segmentSize);
        _segmentSize = segmentSize;
        _destination = destination;
        _cipher = new SegmentCipher(key, binding, segmentSize);
    }

    /// <summary>Plaintext bytes accepted so far.</summary>
    public long PlaintextLength { get; private set; }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        ThrowIfNotWritable();
        while (true)
        {
            var consumed = Absorb(plaintext.Span);
            PlaintextLength += consumed;
            plaintext = plaintext[consumed..];
            if (plaintext.IsEmpty)
            {
                return;
            }

            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Seals the held-back segment as the final one and writes everything still buffered.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfNotWritable();
        _completed = true;
        var sealedLength = _pendingLength + SegmentLayout.TagSize;
        if (_output is null)
        {
            RentOutput(sealedLength);
        }
        else if (_outputLength + sealedLength > _outputCapacity)
        {
            await FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        SealNext(_pending.AsSpan(0, _pendingLength), final: true);
        ClearPending();
        await FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ClearPending();
        if (_pending is not null)
        {
            ArrayPool<byte>.Shared.Return(_pending);
            _pending = null;
        }

        if (_output is not null)
        {
            ArrayPool<byte>.Shared.Return(_output);
            _output = null;
        }

        _cipher.Dispose();
    }

    /// <summary>Takes plaintext until the output batch is full; returns how many bytes it took.</summary>
    private int Absorb(ReadOnlySpan<byte> input)
    {
        var sealedSize = _segmentSize + SegmentLayout.TagSize;
        var consumed = 0;
        while (consumed < input.Length)
        {
            var remaining = input.Length - consumed;

            // A full segment with at least one byte after it is not the final one: seal it now,
            // straight from the input when nothing is pending.
            if (_pendingLength == _segmentSize || (_pendingLength == 0 && remaining > _segmentSize))
            {
                if (_output is null)
                {
                    RentOutput(Math.Max(1, BatchSize / sealedSize) * sealedSize);
                }
                else if (_outputLength + sealedSize > _outputCapacity)
                {
                    break;
                }

                if (_pendingLength == 0)
                {
                    SealNext(input.Slice(consumed, _segmentSize), final: false);
                    consumed += _segmentSize;
                }
                else
                {
                    SealNext(_pending.AsSpan(0, _segmentSize), final: false);
                    _pendingLength = 0;
                }

                continue;
            }

            _pending ??= ArrayPool<byte>.Shared.Rent(_segmentSize);
            var take = Math.Min(_segmentSize - _pendingLength, remaining);
            input.Slice(consumed, take).CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += take;
            _pendingUsed = Math.Max(_pendingUsed, _pendingLength);
            consumed += take;
        }

        return consumed;
    }

    private void SealNext(ReadOnlySpan<byte> plaintext, bool final)
    {
        var sealedLength = plaintext.Length + SegmentLayout.TagSize;
        _cipher.Seal(_nextSegment, final, plaintext, _output.AsSpan(_outputLength, sealedLength));
        _outputLength += sealedLength;
        _nextSegment++;
    }

    private void RentOutput(int capacity)
    {
        _output = ArrayPool<byte>.Shared.Rent(capacity);
        _outputCapacity = capacity;
    }

    private async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_outputLength > 0)
        {
            await _destination(_output.AsMemory(0, _outputLength), cancellationToken).ConfigureAwait(false);
            _outputLength = 0;
        }
    }

    private void ClearPending()
    {
        if (_pending is not null)
        {
            CryptographicOperations.ZeroMemory(_pending.AsSpan(0, _pendingUsed));
        }

        _pendingLength = 0;
        _pendingUsed = 0;
    }

    private void ThrowIfNotWritable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("The encryptor has completed; it takes no more plaintext.");
        }
    }
}
