using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>rclone (Debian's package) with an S3 remote configured only through environment variables.</summary>
public sealed class MultipartRcloneTests
{
    private const int FiveMiB = 5 * RandomData.MiB;

    [Fact]
    public async Task RcloneCopyAndCheck_TreeWithFilesAroundThePartSize_RoundTripsExactly()
    {
        var work = Directory.CreateTempSubdirectory("coffer-rclone-").FullName;
        try
        {
            await using var server = await CofferServer.StartAsync();
            using var client = SdkClients.Create(server);
            var files = new Dictionary<string, long>
            {
                ["empty.bin"] = 0,
                ["a/one-byte.bin"] = 1,
                ["a/b/five-mib-minus-one.bin"] = FiveMiB - 1,
                ["a/b/five-mib.bin"] = FiveMiB,
                ["c/five-mib-plus-one.bin"] = FiveMiB + 1,
                ["c/d/e/sixty-four-mib.bin"] = 64L * RandomData.MiB,
            };
            var source = Path.Combine(work, "source");
            var hashes = new Dictionary<string, byte[]>();
            foreach (var (name, size) in files)
            {
                var path = Path.Combine(source, name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                hashes[name] = await RandomData.WriteFileAsync(path, size);
            }

            var environment = new Dictionary<string, string?>
            {
                ["RCLONE_CONFIG"] = Path.Combine(work, "rclone.conf"),
                ["RCLONE_CONFIG_COFFER_TYPE"] = "s3",
                ["RCLONE_CONFIG_COFFER_PROVIDER"] = "Other",
                ["RCLONE_CONFIG_COFFER_ENDPOINT"] = server.Endpoint.ToString().TrimEnd('/'),
                ["RCLONE_CONFIG_COFFER_ACCESS_KEY_ID"] = CofferServer.AccessKey,
                ["RCLONE_CONFIG_COFFER_SECRET_ACCESS_KEY"] = CofferServer.SecretKey,
                ["RCLONE_CONFIG_COFFER_REGION"] = "us-east-1",
                ["RCLONE_CONFIG_COFFER_FORCE_PATH_STYLE"] = "true",

                // rclone's default cutoff is 200 MiB; at 5 MiB every file above 5 MiB goes up in parts.
                ["RCLONE_CONFIG_COFFER_UPLOAD_CUTOFF"] = "5Mi",
                ["RCLONE_CONFIG_COFFER_CHUNK_SIZE"] = "5Mi",

                // The AWS SDK for Go inside rclone 1.60 fails on a custom CA bundle with rclone's own transport.
                ["AWS_CA_BUNDLE"] = null,
            };

            await RcloneAsync(environment, "copy", source, "coffer:rclone/tree");

            // rclone sends a file of at least the cutoff in parts: these ETags end in the part count.
            Assert.DoesNotContain("-", await ETagAsync(client, "tree/a/b/five-mib-minus-one.bin"), StringComparison.Ordinal);
            Assert.EndsWith("-1\"", await ETagAsync(client, "tree/a/b/five-mib.bin"), StringComparison.Ordinal);
            Assert.EndsWith("-2\"", await ETagAsync(client, "tree/c/five-mib-plus-one.bin"), StringComparison.Ordinal);
            Assert.EndsWith("-13\"", await ETagAsync(client, "tree/c/d/e/sixty-four-mib.bin"), StringComparison.Ordinal);

            // rclone check compares sizes and MD5s (for multipart objects, the MD5 rclone stored as metadata).
            var check = await RcloneAsync(environment, "check", source, "coffer:rclone/tree");
            Assert.Contains("0 differences found", check.StandardError, StringComparison.Ordinal);
            Assert.Contains($"{files.Count} matching files", check.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("could not be checked", check.StandardError, StringComparison.Ordinal);

            var back = Path.Combine(work, "back");
            await RcloneAsync(environment, "copy", "coffer:rclone/tree", back);
            var downloaded = Directory.EnumerateFiles(back, "*", SearchOption.AllDirectories)
                .Select(path => Path.GetRelativePath(back, path).Replace('\\', '/'))
                .Order(StringComparer.Ordinal);
            Assert.Equal(files.Keys.Order(StringComparer.Ordinal), downloaded);
            foreach (var (name, size) in files)
            {
                var path = Path.Combine(back, name);
                Assert.Equal(size, new FileInfo(path).Length);
                var hash = await RandomData.Sha256OfFileAsync(path);
                Assert.True(hashes[name].SequenceEqual(hash), $"{name} differs after the round trip");
            }

            Assert.Empty((await client.ListMultipartUploadsAsync("rclone")).MultipartUploads ?? []);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static async Task<string> ETagAsync(Amazon.S3.AmazonS3Client client, string key) =>
        (await client.GetObjectMetadataAsync("rclone", key)).ETag;

    private static async Task<ExternalProcess.Result> RcloneAsync(Dictionary<string, string?> environment, params string[] arguments)
    {
        var result = await ExternalProcess.RunAsync("rclone", [.. arguments, "--retries", "1", "--low-level-retries", "2"], environment, TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, $"rclone {string.Join(' ', arguments)}:\n{result}");
        return result;
    }
}
