namespace Coffer.Storage.Blobs;

/// <summary>A blob being written. Disposing it without a commit discards everything written.</summary>
public interface IBlobWriter : IAsyncDisposable
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes the bytes durable and the blob visible under its id, then returns the id.</summary>
    Task<string> CommitAsync(CancellationToken cancellationToken);
}
