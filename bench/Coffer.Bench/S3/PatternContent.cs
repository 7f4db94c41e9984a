using System.Net;
using System.Net.Http.Headers;

namespace Coffer.Bench.S3;

/// <summary>A request body of a fixed Content-Length streamed by repeating a pattern block.</summary>
internal sealed class PatternContent : HttpContent
{
    private static readonly MediaTypeHeaderValue OctetStream = new("application/octet-stream");

    private readonly ReadOnlyMemory<byte> _pattern;
    private readonly long _length;
    private readonly TimeProvider _time;

    public PatternContent(ReadOnlyMemory<byte> pattern, long length, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (pattern.IsEmpty && length > 0)
        {
            throw new ArgumentException("The pattern must not be empty.", nameof(pattern));
        }

        _pattern = pattern;
        _length = length;
        _time = time;
        Headers.ContentLength = length;
        Headers.ContentType = OctetStream;
    }

    /// <summary>When the last byte was handed to the connection, as a <see cref="TimeProvider"/> timestamp; null until then.</summary>
    public long? SentTimestamp { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var remaining = _length;
        while (remaining > 0)
        {
            var count = (int)Math.Min(remaining, _pattern.Length);
            await stream.WriteAsync(_pattern[..count], cancellationToken);
            remaining -= count;
        }

        SentTimestamp = _time.GetTimestamp();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
