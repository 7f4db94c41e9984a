namespace Coffer.Storage.Objects;

/// <summary>
/// How the bytes of one write (an object or a part) are sealed before they are stored. The
/// storage layer measures and hashes the bytes as they came, stores what the sink produces, and
/// records <see cref="Metadata"/> with them for the <see cref="IContentOpener"/> that reads them.
/// </summary>
public interface IContentSealer
{
    /// <summary>What a reader needs besides the stored bytes (e.g. the wrapped data key); opaque to storage.</summary>
    string Metadata { get; }

    /// <summary>The stored length of <paramref name="length"/> bytes of content.</summary>
    long StoredLength(long length);

    /// <summary>Starts sealing; what the sink produces goes to <paramref name="destination"/>.</summary>
    IContentSink Begin(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> destination);
}
