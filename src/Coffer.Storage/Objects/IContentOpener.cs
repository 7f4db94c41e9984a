namespace Coffer.Storage.Objects;

/// <summary>Reads content stored through an <see cref="IContentSealer"/>: the bytes as they came, or a range of them.</summary>
public interface IContentOpener
{
    /// <summary>
    /// A stream of bytes <paramref name="start"/> to <paramref name="end"/> (inclusive) of content of
    /// <paramref name="length"/> bytes stored with <paramref name="metadata"/>;
    /// <paramref name="openStored"/> opens the stored bytes at an offset of the opener's choosing.
    /// Stored bytes that fail their check throw on read, never yield wrong bytes. Asynchronous
    /// because finding the key may take a lookup (a KMS unwrap).
    /// </summary>
    ValueTask<Stream> OpenAsync(string metadata, long length, long start, long end, Func<long, Stream> openStored, CancellationToken cancellationToken);
}
