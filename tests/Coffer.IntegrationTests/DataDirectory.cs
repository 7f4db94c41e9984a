namespace Coffer.IntegrationTests;

/// <summary>What a server's data directory holds on disk: committed blob files, temporary files, plaintext.</summary>
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

    /// <summary>The files under the data directory (blobs, database, journals: everything) that hold <paramref name="marker"/> as is.</summary>
    public static List<string> FilesContaining(string dataDirectory, byte[] marker)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                // Removed while listing: a finished temporary file.
                continue;
            }

            if (bytes.AsSpan().IndexOf(marker) >= 0)
            {
                found.Add(Path.GetRelativePath(dataDirectory, file));
            }
        }

        return found;
    }
}
