namespace Coffer.Storage.Blobs;

/// <summary>Content bytes under generated names. Object keys never reach this layer.</summary>
public interface IBlobStore
{
    /// <summary>Starts a new blob; nothing is visible until <see cref="IBlobWriter.CommitAsync"/>.</summary>
    IBlobWriter CreateWriter(long? expectedSize);

    /// <summary>Opens a committed blob for reading; <see cref="FileNotFoundException"/> when it is gone.</summary>
    Stream OpenRead(string blobId);

    void Delete(string blobId);

    /// <summary>Deletes temporary files of writers no longer running.</summary>
    int SweepTemporaryFiles();

    /// <summary>Every committed blob id, for reconciling against metadata at start-up.</summary>
    IEnumerable<string> EnumerateBlobIds();
}
