namespace Coffer.Hosting;

/// <summary>
/// An exclusive lock on a data directory (DATA/coffer.lock, flock on Unix), held by a running
/// server and by offline commands such as <c>coffer kms rotate-master</c>, so that neither runs
/// under the other. The operating system drops it when the process dies.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "coffer.lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>The lock, or null when another process holds it.</summary>
    public static DataDirectoryLock? TryAcquire(string dataDirectory)
    {
        try
        {
            return new DataDirectoryLock(new FileStream(Path.Combine(dataDirectory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
