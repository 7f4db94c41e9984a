using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Coffer.Protocol.Http;
using Coffer.Protocol.S3;

namespace Coffer.Protocol.Auth;

/// <summary>
/// Decodes an aws-chunked body (<c>hex-size[;chunk-signature=sig]\r\n data \r\n … 0…\r\n [trailers] \r\n</c>).
/// With signing, each chunk is read whole and its signature checked before any of its bytes are
/// released, so a forged chunk never reaches storage. Trailers are available after the end.
/// </summary>
internal sealed class AwsChunkedStream : ReadOnlyStream
{
    /// <summary>Largest chunk accepted; SDKs send 8 KiB to 1 MiB.</summary>
    public const int MaxChunkSize = 16 * 1024 * 1024;

    private const int MaxLineLength = 4096;
    private const int MaxTrailerBytes = 16 * 1024;

    private readonly Stream _inner;
    private readonly ChunkSigningContext? _signing;
    private readonly bool _expectTrailer;
    private readonly byte[] _readBuffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
    private readonly Dictionary<string, string> _trailers = new(StringComparer.OrdinalIgnoreCase);
    private int _readPos;
    private int _readLen;
    private string? _previousSignature;

    private byte[]? _chunk;
    private int _chunkPos;
    private int _chunkLen;
    private long _unsignedRemaining;
    private bool _done;
    private bool _disposed;

    public AwsChunkedStream(Stream inner, ChunkSigningContext? signing, bool expectTrailer)
    {
        _inner = inner;
        _signing = signing;
        _expectTrailer = expectTrailer;
        _previousSignature = signing?.SeedSignature;
    }

    /// <summary>Trailing headers (e.g. x-amz-checksum-crc32), complete once the stream has returned 0.</summary>
    public IReadOnlyDictionary<string, string> Trailers => _trailers;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (buffer.IsEmpty)
            {
                return 0;
            }

            if (_chunkPos < _chunkLen)
            {
                var n = Math.Min(buffer.Length, _chunkLen - _chunkPos);
                _chunk.AsSpan(_chunkPos, n).CopyTo(buffer.Span);
                _chunkPos += n;
                return n;
            }

            if (_unsignedRemaining > 0)
            {
                var n = await ReadRawAsync(buffer[..(int)Math.Min(buffer.Length, _unsignedRemaining)], cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw Incomplete();
                }

                _unsignedRemaining -= n;
                if (_unsignedRemaining == 0)
                {
                    await ExpectCrlfAsync(cancellationToken).ConfigureAwait(false);
                }

                return n;
            }

            if (_done)
            {
                return 0;
            }

            await ReadChunkHeaderAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReadChunkHeaderAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw Incomplete();
        var semicolon = line.IndexOf(';', StringComparison.Ordinal);
        var sizeText = semicolon < 0 ? line : line[..semicolon];
        if (!long.TryParse(sizeText.Trim(), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0 || size > MaxChunkSize)
        {
            throw Malformed();
        }

        string? signature = null;
        if (_signing is not null)
        {
            const string Marker = "chunk-signature=";
            var at = semicolon < 0 ? -1 : line.IndexOf(Marker, semicolon, StringComparison.Ordinal);
            if (at < 0)
            {
                throw Malformed();
            }

            signature = line[(at + Marker.Length)..].Trim();
        }

        if (size == 0)
        {
            if (_signing is not null)
            {
                VerifyChunk(signature!, []);
            }

            await ReadTrailersAsync(cancellationToken).ConfigureAwait(false);
            _done = true;
            return;
        }

        if (_signing is null)
        {
            _unsignedRemaining = size;
            return;
        }

        if (_chunk is null || _chunk.Length < size)
        {
            if (_chunk is not null)
            {
                ArrayPool<byte>.Shared.Return(_chunk);
            }

            _chunk = ArrayPool<byte>.Shared.Rent((int)size);
        }

        var filled = 0;
        while (filled < size)
        {
            var n = await ReadRawAsync(_chunk.AsMemory(filled, (int)size - filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw Incomplete();
            }

            filled += n;
        }

        await ExpectCrlfAsync(cancellationToken).ConfigureAwait(false);
        VerifyChunk(signature!, _chunk.AsSpan(0, (int)size));
        _chunkPos = 0;
        _chunkLen = (int)size;
    }

    private void VerifyChunk(string provided, ReadOnlySpan<byte> data)
    {
        var signing = _signing!;
        var stringToSign = $"AWS4-HMAC-SHA256-PAYLOAD\n{signing.AmzDate}\n{signing.Scope}\n{_previousSignature}\n{SigV4.EmptySha256}\n{Convert.ToHexStringLower(SHA256.HashData(data))}";
        var expected = SigV4.Signature(signing.SigningKey, stringToSign);
        if (!SigV4.SignaturesEqual(expected, provided))
        {
            throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch);
        }

        _previousSignature = expected;
    }

    private async Task ReadTrailersAsync(CancellationToken cancellationToken)
    {
        var canonical = new StringBuilder();
        string? trailerSignature = null;
        var total = 0;
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(line))
            {
                break;
            }

            total += line.Length;
            if (total > MaxTrailerBytes)
            {
                throw Malformed();
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw Malformed();
            }

            var name = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            if (name == "x-amz-trailer-signature")
            {
                trailerSignature = value;
                continue;
            }

            _trailers[name] = value;
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        if (_signing is not null && _expectTrailer)
        {
            if (trailerSignature is null)
            {
                throw Malformed();
            }

            var stringToSign = $"AWS4-HMAC-SHA256-TRAILER\n{_signing.AmzDate}\n{_signing.Scope}\n{_previousSignature}\n{SigV4.HexSha256(canonical.ToString())}";
            if (!SigV4.SignaturesEqual(SigV4.Signature(_signing.SigningKey, stringToSign), trailerSignature))
            {
                throw new S3Exception(S3ErrorCode.SignatureDoesNotMatch);
            }
        }
    }

    private async Task ExpectCrlfAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        if (line is null)
        {
            throw Incomplete();
        }

        if (line.Length != 0)
        {
            throw Malformed();
        }
    }

    /// <summary>Reads up to CRLF; null at the end of the body.</summary>
    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_readPos == _readLen)
            {
                _readPos = 0;
                _readLen = await _inner.ReadAsync(_readBuffer, cancellationToken).ConfigureAwait(false);
                if (_readLen == 0)
                {
                    return line.Length == 0 ? null : line.ToString();
                }
            }

            var span = _readBuffer.AsSpan(_readPos, _readLen - _readPos);
            var newline = span.IndexOf((byte)'\n');
            var take = newline < 0 ? span.Length : newline;
            line.Append(Encoding.ASCII.GetString(span[..take]));
            _readPos += newline < 0 ? take : take + 1;
            if (line.Length > MaxLineLength)
            {
                throw Malformed();
            }

            if (newline >= 0)
            {
                if (line.Length > 0 && line[^1] == '\r')
                {
                    line.Length--;
                }

                return line.ToString();
            }
        }
    }

    private async ValueTask<int> ReadRawAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (_readPos < _readLen)
        {
            var n = Math.Min(destination.Length, _readLen - _readPos);
            _readBuffer.AsSpan(_readPos, n).CopyTo(destination.Span);
            _readPos += n;
            return n;
        }

        return await _inner.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    private static S3Exception Incomplete() => new(S3ErrorCode.IncompleteBody, "The request body ended before the aws-chunked encoding was complete.");

    private static S3Exception Malformed() => new(S3ErrorCode.InvalidRequest, "The aws-chunked request body is malformed.");


    protected override void Dispose(bool disposing)
    {
        // Stream.Dispose may be called more than once; a buffer returned twice would be handed to two renters.
        if (disposing && !_disposed)
        {
            _disposed = true;
            ArrayPool<byte>.Shared.Return(_readBuffer);
            if (_chunk is not null)
            {
                ArrayPool<byte>.Shared.Return(_chunk);
                _chunk = null;
            }
        }

        base.Dispose(disposing);
    }
}
