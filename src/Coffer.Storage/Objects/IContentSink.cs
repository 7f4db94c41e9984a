namespace Coffer.Storage.Objects;

/// <summary>Content being sealed: written in any chunks, then completed once; disposing releases its buffers.</summary>
public interface IContentSink : IDisposable
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Writes what was held back (the last, final-flagged piece); nothing may be written after.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken);
}
