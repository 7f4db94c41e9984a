using System.Text;

namespace Coffer.Cli.Client;

/// <summary>
/// An access key written as the AWS console's credentials file: <c>Access key ID,Secret access
/// key</c> first, then the user name and the endpoint. Readable by its owner only (0600), and
/// an existing file is replaced only when asked.
/// </summary>
internal static class CredentialsCsv
{
    public const string Header = "Access key ID,Secret access key,User Name,Endpoint";

    /// <summary>A usage error now, before anything is created, when <paramref name="path"/> could not be written later.</summary>
    public static void CheckWritable(string path, bool force)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new UsageException($"--csv {path} is a directory");
        }

        if (File.Exists(full) && !force)
        {
            throw new UsageException($"--csv {path} exists; pass --force to replace it");
        }

        if (!Directory.Exists(Path.GetDirectoryName(full)))
        {
            throw new UsageException($"--csv {path}: no such directory");
        }
    }

    /// <summary>
    /// Writes the file through a 0600 temporary file renamed into place, so a reader never sees a
    /// half-written secret and an existing file is never lost to a failed write.
    /// </summary>
    public static void Write(string path, AwsCredentials key, string userName, Uri endpoint, bool force)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var text = Header + "\r\n" + string.Join(',', Field(key.AccessKeyId), Field(key.SecretAccessKey), Field(userName), Field(endpoint.AbsoluteUri)) + "\r\n";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(text));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: force);
        }
        catch (IOException) when (File.Exists(full) && !force)
        {
            throw new UsageException($"--csv {path} exists; pass --force to replace it");
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>RFC 4180 quoting: IAM user names may hold commas.</summary>
    private static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
