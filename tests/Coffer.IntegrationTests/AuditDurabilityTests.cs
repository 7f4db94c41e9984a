using System.Collections.Concurrent;
using System.Net;
using System.Xml.Linq;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// The audit record is on disk before the client hears of the request: it survives SIGKILL, and
/// when the journal cannot be written the request is refused (503), unless the trail fails open.
/// </summary>
public sealed class AuditDurabilityTests
{
    private const string Bucket = "audit-durable";

    [Fact]
    public async Task KillUnderLoad_EveryAcknowledgedRequestHasItsRecord_AndTheChainVerifiesAfterRestart()
    {
        var data = Directory.CreateTempSubdirectory("coffer-audit-kill-").FullName;
        try
        {
            var acknowledged = new ConcurrentBag<string>();
            await using (var server = await CofferServer.StartAsync(data))
            {
                using var client = new S3TestClient(server.Endpoint);
                await client.CreateBucketAsync(Bucket);
                using var stop = new CancellationTokenSource();
                var body = new byte[4096];
                var writers = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
                {
                    for (var i = 0; !stop.IsCancellationRequested; i++)
                    {
                        try
                        {
                            using var response = await client.SendAsync(HttpMethod.Put, $"/{Bucket}/w{worker}/{i}", body);
                            if (response.StatusCode == HttpStatusCode.OK)
                            {
                                acknowledged.Add(response.Headers.GetValues("x-amz-request-id").Single());
                            }
                        }
                        catch (HttpRequestException)
                        {
                            return;
                        }
                    }
                })).ToList();

                await Task.Delay(TimeSpan.FromSeconds(2));
                await server.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(writers);
            }

            Assert.True(acknowledged.Count > 50, $"only {acknowledged.Count} writes were acknowledged before the kill");

            // The restart recovers the journal (a torn last line is cut off) and carries the chain on.
            await using (var restarted = await CofferServer.StartAsync(data))
            {
                using var client = new S3TestClient(restarted.Endpoint);
                using var after = await client.SendAsync(HttpMethod.Get, $"/{Bucket}?list-type=2&max-keys=1");
                Assert.Equal(HttpStatusCode.OK, after.StatusCode);
                var records = AuditJournal.Records(data);
                var recorded = records.Select(r => r.GetProperty("requestID").GetString()).ToHashSet();
                var missing = acknowledged.Where(id => !recorded.Contains(id)).ToList();
                Assert.True(missing.Count == 0, $"{missing.Count} of {acknowledged.Count} acknowledged PUTs have no record");
                Assert.Contains(after.Headers.GetValues("x-amz-request-id").Single(), recorded);
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task JournalUnwritable_FailsClosedWith503InEachApisFormat_ThenRecovers()
    {
        await using var server = await CofferServer.StartAsync();
        using var client = new S3TestClient(server.Endpoint);
        await client.CreateBucketAsync(Bucket);
        using var iam = new QueryApiClient(server.Endpoint, "iam");
        using var kms = new KmsApiClient(server.Endpoint);

        var segments = AuditJournal.Directory(server.DataDirectory);
        var parked = segments + ".parked";
        Directory.Move(segments, parked);
        await File.WriteAllTextAsync(segments, "a file where the journal's directory was");
        try
        {
            using var put = await client.SendAsync(HttpMethod.Put, $"/{Bucket}/refused.txt", [1, 2, 3]);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, put.StatusCode);
            var error = XDocument.Parse(await put.Content.ReadAsStringAsync());
            Assert.Equal("ServiceUnavailable", error.Root!.Element("Code")!.Value);

            using var get = await client.SendAsync(HttpMethod.Get, $"/{Bucket}/refused.txt");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, get.StatusCode);

            var (iamStatus, iamBody) = await iam.SendAsync("ListUsers");
            Assert.Equal(503, iamStatus);
            Assert.Equal("ServiceUnavailable", QueryApiClient.Value(iamBody, "Code"));

            var kmsResponse = await kms.SendAsync("ListKeys", new { });
            Assert.Equal(503, kmsResponse.Status);
            Assert.Equal("DependencyTimeoutException", kmsResponse.ErrorType);
        }
        finally
        {
            File.Delete(segments);
            Directory.Move(parked, segments);
        }

        // The journal tries the disk again after a second and carries on where it stood.
        HttpStatusCode status = default;
        for (var attempt = 0; attempt < 50 && status != HttpStatusCode.OK; attempt++)
        {
            await Task.Delay(200);
            using var retry = await client.SendAsync(HttpMethod.Put, $"/{Bucket}/accepted.txt", [4, 5, 6]);
            status = retry.StatusCode;
            if (status == HttpStatusCode.OK)
            {
                AuditJournal.ByRequestId(server.DataDirectory, retry.Headers.GetValues("x-amz-request-id").Single());
            }
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.DoesNotContain(AuditJournal.Records(server.DataDirectory), r => r.GetProperty("eventName").GetString() == "ListUsers");
    }

    [Fact]
    public async Task JournalUnwritable_WithFailOpen_ServesTheRequestAndDropsTheRecord()
    {
        await using var server = await CofferServer.StartAsync(environment: new Dictionary<string, string> { ["COFFER_AUDIT_FAIL_OPEN"] = "true" });
        using var client = new S3TestClient(server.Endpoint);
        await client.CreateBucketAsync(Bucket);

        var segments = AuditJournal.Directory(server.DataDirectory);
        Directory.Move(segments, segments + ".parked");
        await File.WriteAllTextAsync(segments, "a file where the journal's directory was");

        using var put = await client.SendAsync(HttpMethod.Put, $"/{Bucket}/served.txt", [1, 2, 3]);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var get = await client.SendAsync(HttpMethod.Get, $"/{Bucket}/served.txt");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal([1, 2, 3], await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task BenchAuditOff_RecordsNothing()
    {
        await using var server = await CofferServer.StartAsync(environment: new Dictionary<string, string> { ["COFFER_BENCH_AUDIT_OFF"] = "true" });
        using var client = new S3TestClient(server.Endpoint);
        await client.CreateBucketAsync(Bucket);
        using var put = await client.SendAsync(HttpMethod.Put, $"/{Bucket}/unrecorded.txt", [1]);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        Assert.Empty(AuditJournal.Records(server.DataDirectory));
        Assert.Contains(server.Output, line => line.Contains("COFFER_BENCH_AUDIT_OFF", StringComparison.Ordinal));
    }
}
