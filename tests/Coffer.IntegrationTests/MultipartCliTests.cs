using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// Both generations of the aws cli: <c>aws</c> on PATH (v1 with a current botocore, which sends
/// CRC32 trailing checksums) and Debian's <c>/usr/bin/aws</c> (v2.9).
/// </summary>
public sealed class MultipartCliTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private const string Bucket = CliFixture.Bucket;
    private static readonly TimeSpan LargeTimeout = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan SmallTimeout = TimeSpan.FromMinutes(1);

    public static TheoryData<string> Clis => new() { "aws", "/usr/bin/aws" };

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task S3Cp_OneGiBFile_UploadsInPartsAndDownloadsByteForByte(string aws)
    {
        var key = $"{Name(aws)}/large.bin";
        var downloaded = Path.Combine(fixture.WorkDirectory, $"{Name(aws)}-downloaded.bin");
        try
        {
            await RunAsync(aws, LargeTimeout, "s3", "cp", fixture.LargeFile, $"s3://{Bucket}/{key}", "--only-show-errors", "--no-progress");

            var head = await fixture.Client.GetObjectMetadataAsync(Bucket, key);
            Assert.Equal(CliFixture.LargeFileSize, head.ContentLength);
            Assert.EndsWith("-128\"", head.ETag, StringComparison.Ordinal); // 8 MiB parts
            Assert.Empty((await fixture.Client.ListMultipartUploadsAsync(Bucket)).MultipartUploads ?? []);

            await RunAsync(aws, LargeTimeout, "s3", "cp", $"s3://{Bucket}/{key}", downloaded, "--only-show-errors", "--no-progress");

            Assert.Equal(CliFixture.LargeFileSize, new FileInfo(downloaded).Length);
            Assert.Equal(fixture.LargeFileSha256, await RandomData.Sha256OfFileAsync(downloaded));
        }
        finally
        {
            File.Delete(downloaded);
            await fixture.Client.DeleteObjectAsync(Bucket, key);
        }
    }

    [Theory]
    [MemberData(nameof(Clis))]
    public async Task S3api_CreateUploadListAbortAndComplete_WorkStepByStep(string aws)
    {
        var key = $"{Name(aws)}/step by step.bin";
        byte[][] parts = [RandomData.Bytes(5 * RandomData.MiB, 1), RandomData.Bytes(RandomData.MiB + 1, 2)];
        var partFiles = new List<string>();
        try
        {
            var created = await RunJsonAsync(aws, "s3api", "create-multipart-upload", "--bucket", Bucket, "--key", key);
            var uploadId = created.GetProperty("UploadId").GetString()!;
            Assert.Equal(key, created.GetProperty("Key").GetString());

            var etags = new List<string>();
            for (var i = 0; i < parts.Length; i++)
            {
                var file = Path.Combine(fixture.WorkDirectory, $"{Name(aws)}-part{i + 1}.bin");
                partFiles.Add(file);
                await File.WriteAllBytesAsync(file, parts[i]);
                var uploaded = await RunJsonAsync(aws, "s3api", "upload-part", "--bucket", Bucket, "--key", key, "--upload-id", uploadId,
                    "--part-number", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "--body", file);
                Assert.Equal(RandomData.Md5ETag(parts[i]), uploaded.GetProperty("ETag").GetString());
                etags.Add(uploaded.GetProperty("ETag").GetString()!);
            }

            var listed = await RunJsonAsync(aws, "s3api", "list-parts", "--bucket", Bucket, "--key", key, "--upload-id", uploadId);
            var listedParts = listed.GetProperty("Parts").EnumerateArray().ToList();
            Assert.Equal([1, 2], listedParts.Select(p => p.GetProperty("PartNumber").GetInt32()));
            Assert.Equal(etags, listedParts.Select(p => p.GetProperty("ETag").GetString()));
            Assert.Equal(parts.Select(p => (long)p.Length), listedParts.Select(p => p.GetProperty("Size").GetInt64()));

            // A second upload of the same key, to abort.
            var other = (await RunJsonAsync(aws, "s3api", "create-multipart-upload", "--bucket", Bucket, "--key", key)).GetProperty("UploadId").GetString()!;
            var uploads = await RunJsonAsync(aws, "s3api", "list-multipart-uploads", "--bucket", Bucket, "--prefix", Name(aws) + "/");
            Assert.Equal(
                new[] { uploadId, other }.Order(StringComparer.Ordinal),
                uploads.GetProperty("Uploads").EnumerateArray().Select(u => u.GetProperty("UploadId").GetString()!).Order(StringComparer.Ordinal));
            Assert.All(uploads.GetProperty("Uploads").EnumerateArray(), u => Assert.Equal(key, u.GetProperty("Key").GetString()));

            await RunAsync(aws, SmallTimeout, "s3api", "abort-multipart-upload", "--bucket", Bucket, "--key", key, "--upload-id", other);
            var afterAbort = await RunAsync(aws, SmallTimeout, expectFailure: true, "s3api", "list-parts", "--bucket", Bucket, "--key", key, "--upload-id", other);
            Assert.Contains("NoSuchUpload", afterAbort.StandardError, StringComparison.Ordinal);

            var manifest = Path.Combine(fixture.WorkDirectory, $"{Name(aws)}-complete.json");
            partFiles.Add(manifest);
            await File.WriteAllTextAsync(manifest, JsonSerializer.Serialize(new
            {
                Parts = etags.Select((etag, i) => new { ETag = etag, PartNumber = i + 1 }),
            }));
            var completed = await RunJsonAsync(aws, "s3api", "complete-multipart-upload", "--bucket", Bucket, "--key", key, "--upload-id", uploadId, "--multipart-upload", "file://" + manifest);
            Assert.Equal(RandomData.MultipartETag(parts), completed.GetProperty("ETag").GetString());

            var remaining = await RunAsync(aws, SmallTimeout, "s3api", "list-multipart-uploads", "--bucket", Bucket, "--prefix", Name(aws) + "/");
            Assert.DoesNotContain("UploadId", remaining.StandardOutput, StringComparison.Ordinal);
            using var get = await fixture.Client.GetObjectAsync(Bucket, key);
            using var body = new MemoryStream();
            await get.ResponseStream.CopyToAsync(body);
            Assert.Equal(parts.SelectMany(p => p).ToArray(), body.ToArray());
        }
        finally
        {
            partFiles.ForEach(File.Delete);
            await fixture.Client.DeleteObjectAsync(Bucket, key);
        }
    }

    private static string Name(string aws) => aws == "aws" ? "path-aws" : "debian-aws";

    private Task<ExternalProcess.Result> RunAsync(string aws, TimeSpan timeout, params string[] arguments) =>
        RunAsync(aws, timeout, expectFailure: false, arguments);

    private async Task<ExternalProcess.Result> RunAsync(string aws, TimeSpan timeout, bool expectFailure, params string[] arguments)
    {
        string[] all = ["--endpoint-url", fixture.Server.Endpoint.ToString().TrimEnd('/'), "--output", "json", .. arguments];
        var result = await ExternalProcess.RunAsync(aws, all, fixture.AwsEnvironment(), timeout);
        if (expectFailure)
        {
            Assert.True(result.ExitCode != 0, $"{aws} {string.Join(' ', arguments)} should have failed:\n{result}");
        }
        else
        {
            Assert.True(result.ExitCode == 0, $"{aws} {string.Join(' ', arguments)}:\n{result}");
        }

        return result;
    }

    private async Task<JsonElement> RunJsonAsync(string aws, params string[] arguments)
    {
        var result = await RunAsync(aws, SmallTimeout, arguments);
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(result.StandardOutput));
        return document.RootElement.Clone();
    }
}
