using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;
using Xunit.Abstractions;

namespace Coffer.IntegrationTests;

/// <summary>
/// SIGKILL in the middle of multipart uploads: acknowledged parts survive, an upload is never
/// half-completed, and after recovery the data directory holds exactly the blobs the objects and
/// live uploads refer to.
/// </summary>
public sealed class MultipartCrashTests(ITestOutputHelper output)
{
    private const string Bucket = "crash";
    private const int FiveMiB = 5 * RandomData.MiB;
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    [Fact]
    public async Task KillDuringConcurrentPartUploads_AcknowledgedPartsSurviveAndTheUploadResumesToAWholeObject()
    {
        const int partCount = 40;
        const string key = "resumed/after-crash.bin";
        var data = Directory.CreateTempSubdirectory("coffer-mpcrash-").FullName;
        try
        {
            var acknowledged = new ConcurrentDictionary<int, string>();
            string uploadId;
            await using (var server = await CofferServer.StartAsync(data))
            {
                using var raw = new S3TestClient(server.Endpoint);
                await raw.CreateBucketAsync(Bucket);
                uploadId = await CreateUploadAsync(raw, key);

                var next = 0;
                var enoughAcknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var uploaders = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
                {
                    int number;
                    while ((number = Interlocked.Increment(ref next)) <= partCount)
                    {
                        try
                        {
                            using var response = await raw.SendAsync(HttpMethod.Put, $"/{Bucket}/{key}?partNumber={number}&uploadId={uploadId}", Part(number));
                            if (response.IsSuccessStatusCode)
                            {
                                acknowledged[number] = response.Headers.ETag!.Tag;
                                if (acknowledged.Count >= 10)
                                {
                                    enoughAcknowledged.TrySetResult();
                                }
                            }
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                        {
                            return;
                        }
                    }
                })).ToList();

                await enoughAcknowledged.Task.WaitAsync(TimeSpan.FromSeconds(60));
                await server.KillAsync();
                await Task.WhenAll(uploaders);
            }

            output.WriteLine($"{acknowledged.Count} of {partCount} parts acknowledged before the kill");
            Assert.InRange(acknowledged.Count, 10, partCount - 1);

            await using var restarted = await CofferServer.StartAsync(data);
            using var client = SdkClients.Create(restarted);
            var uploads = await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket });
            Assert.Equal([(key, uploadId)], uploads.MultipartUploads.Select(u => (u.Key, u.UploadId)));

            var listed = await ListAllPartsAsync(client, key, uploadId);
            foreach (var (number, etag) in acknowledged)
            {
                Assert.True(listed.TryGetValue(number, out var part), $"acknowledged part {number} is gone after the crash");
                Assert.Equal(etag, part.ETag);
            }

            // Parts in flight at the kill are either absent or whole, never torn.
            foreach (var (number, part) in listed)
            {
                Assert.Equal(RandomData.Md5ETag(Part(number)), part.ETag);
                Assert.Equal(FiveMiB, part.Size);
            }

            Assert.Equal(listed.Count, DataDirectory.BlobFileCount(data));
            Assert.Equal(0, DataDirectory.TemporaryFileCount(data));

            var etags = new List<PartETag>();
            for (var number = 1; number <= partCount; number++)
            {
                if (!listed.TryGetValue(number, out var part))
                {
                    var uploaded = await client.UploadPartAsync(new UploadPartRequest
                    {
                        BucketName = Bucket,
                        Key = key,
                        UploadId = uploadId,
                        PartNumber = number,
                        InputStream = new MemoryStream(Part(number)),
                    });
                    etags.Add(new PartETag(number, uploaded.ETag));
                }
                else
                {
                    etags.Add(new PartETag(number, part.ETag));
                }
            }

            var completed = await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = uploadId, PartETags = etags });

            var all = Enumerable.Range(1, partCount).Select(Part).ToArray();
            Assert.Equal(RandomData.MultipartETag(all), completed.ETag);
            Assert.Equal(Sha256(all), await Sha256OfObjectAsync(client, key));
            Assert.Equal(partCount, DataDirectory.BlobFileCount(data));
            Assert.Equal(0, DataDirectory.TemporaryFileCount(data));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task KillRightAroundCompletion_LeavesTheUploadOrTheWholeObjectNeverAPartialOne()
    {
        const int uploadsPerRound = 16;
        int[] killAfter = [2, 7, 12];
        var data = Directory.CreateTempSubdirectory("coffer-mpcrash-").FullName;
        var server = await CofferServer.StartAsync(data);
        try
        {
            using (var setup = new S3TestClient(server.Endpoint))
            {
                await setup.CreateBucketAsync(Bucket);
            }

            var outcomes = new List<string>();
            var objects = 0;
            for (var round = 0; round < killAfter.Length; round++)
            {
                var uploads = new List<Completion>();
                using (var raw = new S3TestClient(server.Endpoint))
                {
                    for (var i = 0; i < uploadsPerRound; i++)
                    {
                        uploads.Add(await PrepareCompletionAsync(raw, $"completing/{round}/{i}.bin", (round * 100) + i));
                    }

                    // Completions sent a little apart so the kill lands before, during and after some of them
                    // (sent all at once, the server commits them in one group transaction).
                    var completing = new List<Task<HttpResponseMessage>>();
                    Task? killing = null;
                    for (var i = 0; i < uploads.Count; i++)
                    {
                        var upload = uploads[i];
                        completing.Add(raw.SendAsync(HttpMethod.Post, $"/{Bucket}/{upload.Key}?uploadId={upload.UploadId}", Encoding.UTF8.GetBytes(upload.CompleteBody)));
                        if (i == killAfter[round])
                        {
                            killing = server.KillAsync();
                        }

                        SpinFor(TimeSpan.FromMilliseconds(1));
                    }

                    await killing!;
                    foreach (var request in completing)
                    {
                        try
                        {
                            using var answer = await request;
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                        {
                        }
                    }
                }

                await server.DisposeAsync();
                server = await CofferServer.StartAsync(data);
                using var client = SdkClients.Create(server);
                int completed = 0, pending = 0;
                foreach (var upload in uploads)
                {
                    var whole = upload.Parts.SelectMany(p => p).ToArray();
                    var expectedETag = RandomData.MultipartETag(upload.Parts);
                    var head = await client.GetObjectMetadataAsync(Bucket, upload.Key);
                    var listedUploads = (await client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = upload.Key })).MultipartUploads ?? [];
                    if (head.ETag == expectedETag)
                    {
                        completed++;
                        Assert.Empty(listedUploads);
                        Assert.Equal(whole.Length, head.ContentLength);
                        Assert.Equal(SHA256.HashData(whole), await Sha256OfObjectAsync(client, upload.Key));

                        // A client whose answer was lost in the crash retries, and gets the same result.
                        var retried = await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                        {
                            BucketName = Bucket,
                            Key = upload.Key,
                            UploadId = upload.UploadId,
                            PartETags = [.. upload.Parts.Select((p, i) => new PartETag(i + 1, RandomData.Md5ETag(p)))],
                        });
                        Assert.Equal(expectedETag, retried.ETag);
                        continue;
                    }

                    // Not completed: the older object is intact and the upload can still be completed.
                    pending++;
                    Assert.Equal(RandomData.Md5ETag(upload.Old), head.ETag);
                    Assert.Equal(SHA256.HashData(upload.Old), await Sha256OfObjectAsync(client, upload.Key));
                    Assert.Equal([upload.UploadId], listedUploads.Select(u => u.UploadId));
                    var listed = await ListAllPartsAsync(client, upload.Key, upload.UploadId);
                    Assert.Equal([1, 2], listed.Keys.Order());
                    var done = await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                    {
                        BucketName = Bucket,
                        Key = upload.Key,
                        UploadId = upload.UploadId,
                        PartETags = [.. listed.Select(p => new PartETag(p.Key, p.Value.ETag))],
                    });
                    Assert.Equal(expectedETag, done.ETag);
                    Assert.Equal(SHA256.HashData(whole), await Sha256OfObjectAsync(client, upload.Key));
                }

                outcomes.Add($"kill after sending completion {killAfter[round] + 1} of {uploadsPerRound}: {completed} completed, {pending} still uploads");

                // Every object is now its two parts; the older objects' blobs are gone, crash or not.
                objects += uploadsPerRound;
                Assert.Equal(2 * objects, DataDirectory.BlobFileCount(data));
                Assert.Equal(0, DataDirectory.TemporaryFileCount(data));
            }

            output.WriteLine(string.Join(Environment.NewLine, outcomes));
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private sealed record Completion(string Key, string UploadId, byte[] Old, byte[][] Parts, string CompleteBody);

    /// <summary>An older object under the key, then an upload of two parts ready to complete.</summary>
    private static async Task<Completion> PrepareCompletionAsync(S3TestClient raw, string key, int seed)
    {
        var old = RandomData.Bytes(100_000 + seed, seed + 100_000);
        using (var put = await raw.SendAsync(HttpMethod.Put, $"/{Bucket}/{key}", old))
        {
            put.EnsureSuccessStatusCode();
        }

        byte[][] parts = [RandomData.Bytes(FiveMiB, seed), RandomData.Bytes(1000 + seed, seed + 200_000)];
        var uploadId = await CreateUploadAsync(raw, key);
        var body = new StringBuilder("<CompleteMultipartUpload>");
        for (var i = 0; i < parts.Length; i++)
        {
            using var response = await raw.SendAsync(HttpMethod.Put, $"/{Bucket}/{key}?partNumber={i + 1}&uploadId={uploadId}", parts[i]);
            response.EnsureSuccessStatusCode();
            body.Append(FormattableString.Invariant($"<Part><PartNumber>{i + 1}</PartNumber><ETag>{response.Headers.ETag!.Tag}</ETag></Part>"));
        }

        body.Append("</CompleteMultipartUpload>");
        return new Completion(key, uploadId, old, parts, body.ToString());
    }

    [Fact]
    public async Task KillAfterAbort_LeavesNoPartFiles()
    {
        var data = Directory.CreateTempSubdirectory("coffer-mpcrash-").FullName;
        try
        {
            await using (var server = await CofferServer.StartAsync(data))
            {
                using var raw = new S3TestClient(server.Endpoint);
                await raw.CreateBucketAsync(Bucket);
                var uploadId = await CreateUploadAsync(raw, "aborted");
                for (var number = 1; number <= 4; number++)
                {
                    using var response = await raw.SendAsync(HttpMethod.Put, $"/{Bucket}/aborted?partNumber={number}&uploadId={uploadId}", RandomData.Bytes(RandomData.MiB, number));
                    response.EnsureSuccessStatusCode();
                }

                using (var abort = await raw.SendAsync(HttpMethod.Delete, $"/{Bucket}/aborted?uploadId={uploadId}"))
                {
                    Assert.Equal(HttpStatusCode.NoContent, abort.StatusCode);
                }

                await server.KillAsync();
            }

            Assert.Equal(0, DataDirectory.BlobFileCount(data));
            await using var restarted = await CofferServer.StartAsync(data);
            using var client = SdkClients.Create(restarted);
            Assert.Empty((await client.ListMultipartUploadsAsync(Bucket)).MultipartUploads ?? []);
            Assert.Equal(0, DataDirectory.BlobFileCount(data));
            Assert.Equal(0, DataDirectory.TemporaryFileCount(data));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static void SpinFor(TimeSpan time)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < time)
        {
            Thread.SpinWait(50);
        }
    }

    private static byte[] Part(int number) => RandomData.Bytes(FiveMiB, number);

    private static async Task<string> CreateUploadAsync(S3TestClient raw, string key)
    {
        using var response = await raw.SendAsync(HttpMethod.Post, $"/{Bucket}/{key}?uploads");
        response.EnsureSuccessStatusCode();
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        return xml.Root!.Element(S3 + "UploadId")!.Value;
    }

    private static async Task<Dictionary<int, PartDetail>> ListAllPartsAsync(AmazonS3Client client, string key, string uploadId)
    {
        var parts = new Dictionary<int, PartDetail>();
        string? marker = null;
        while (true)
        {
            var page = await client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = key, UploadId = uploadId, MaxParts = 7, PartNumberMarker = marker });
            foreach (var part in page.Parts ?? [])
            {
                parts.Add(part.PartNumber!.Value, part);
            }

            if (page.IsTruncated != true)
            {
                return parts;
            }

            marker = page.NextPartNumberMarker?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static byte[] Sha256(byte[][] parts)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts)
        {
            sha.AppendData(part);
        }

        return sha.GetHashAndReset();
    }

    private static async Task<byte[]> Sha256OfObjectAsync(AmazonS3Client client, string key)
    {
        using var response = await client.GetObjectAsync(Bucket, key);
        return await SHA256.HashDataAsync(response.ResponseStream);
    }
}
