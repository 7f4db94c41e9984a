namespace Coffer.Storage;

public sealed class StorageException : Exception
{
    public StorageException(StorageError error, string? message = null)
        : base(message ?? error.ToString())
    {
        Error = error;
    }

    public StorageError Error { get; }
}
