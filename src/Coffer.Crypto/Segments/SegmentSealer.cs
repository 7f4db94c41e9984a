using Coffer.Storage.Objects;

namespace Coffer.Crypto.Segments;

/// <summary>
/// Seals one write (an object or a part) in authenticated segments under its own data key. The
/// caller keeps the key: the encryptor copies it, so it may be disposed once the write is done.
/// </summary>
public sealed class SegmentSealer(DataKey key, SegmentBinding binding, int segmentSize, string metadata) : IContentSealer
{
    public string Metadata => metadata;

    public long StoredLength(long length) => new SegmentLayout(length, segmentSize).CiphertextLength;

    public IContentSink Begin(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> destination) =>
        new SegmentEncryptor(key, binding, segmentSize, destination);
}
