using Coffer.Storage.Objects;

namespace Coffer.Crypto.Segments;

/// <summary>
/// Reads segment-sealed content: <paramref name="resolve"/> turns a write's stored metadata into
/// its data key, binding and segment size (unwrapping the key is the caller's business), and only
/// the segments a range touches are read and verified.
/// </summary>
public sealed class SegmentOpener(Func<string, CancellationToken, ValueTask<(DataKey Key, SegmentBinding Binding, int SegmentSize)>> resolve) : IContentOpener
{
    public async ValueTask<Stream> OpenAsync(string metadata, long length, long start, long end, Func<long, Stream> openStored, CancellationToken cancellationToken)
    {
        var (key, binding, segmentSize) = await resolve(metadata, cancellationToken).ConfigureAwait(false);
        using (key)
        {
            var layout = new SegmentLayout(length, segmentSize);

            // The whole content (an empty object too) is read from its start, final segment included.
            var whole = start == 0 && end == length - 1;
            var stored = openStored(whole ? 0 : layout.GetRange(start, end).CiphertextOffset);
            try
            {
                return whole
                    ? new SegmentDecryptingStream(stored, key, binding, layout)
                    : new SegmentDecryptingStream(stored, key, binding, layout, start, end);
            }
            catch
            {
                stored.Dispose();
                throw;
            }
        }
    }
}
