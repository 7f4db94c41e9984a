namespace Coffer.IntegrationTests;

/// <summary>What a server's data directory holds on disk: committed blob files and temporary files.</summary>
public static class DataDirectory
{
    public static int BlobFileCount(string dataDirectory)
    {
        var blobs = Path.Combine(dataDirectory, "blobs");
        return Directory.Exists(blobs) ? Directory.EnumerateFiles(blobs, "*", SearchOption.AllDirectories).Count() : 0;
    }

    public static int TemporaryFileCount(string dataDirectory)
    {
        var tmp = Path.Combine(dataDirectory, "tmp");
        return Directory.Exists(tmp) ? Directory.EnumerateFiles(tmp, "*", SearchOption.AllDirectories).Count() : 0;
    }
}
