using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Xml.Linq;
using Xunit;

namespace Coffer.IntegrationTests;

public sealed class DurabilityTests
{
    private const string Bucket = "durable";

    /// <summary>
    /// Many writers put and overwrite keys (small inline objects and blob-backed ones) while the
    /// server is killed with SIGKILL. After a restart every acknowledged write must read back
    /// byte-identical (or be superseded by the write that was in flight on that key), and no
    /// temporary or unreferenced blob file may remain.
    /// </summary>
    [Fact]
    public async Task KillDuringConcurrentPutsAndOverwrites_AcknowledgedObjectsSurviveAndNothingHalfWrittenRemains()
    {
        var data = Directory.CreateTempSubdirectory("coffer-durability-").FullName;
        try
        {
            var candidates = new ConcurrentDictionary<string, ConcurrentDictionary<string, byte>>();
            var everAcknowledged = new ConcurrentDictionary<string, byte>();
            var acknowledged = 0;
            await using (var server = await CofferServer.StartAsync(data))
            {
                using var client = new S3TestClient(server.Endpoint);
                await client.CreateBucketAsync(Bucket);

                using var stop = new CancellationTokenSource();
                var writers = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
                {
                    var random = new Random(worker);
                    for (var i = 0; i < 10_000 && !stop.IsCancellationRequested; i++)
                    {
                        var key = $"w{worker}/k{i % 4}";
                        var size = random.Next(4) switch
                        {
                            0 => random.Next(0, 2000),
                            1 => random.Next(30_000, 70_000),
                            2 => random.Next(100_000, 400_000),
                            _ => random.Next(1_000_000, 3_000_000),
                        };
                        var body = new byte[size];
                        random.NextBytes(body);
                        var md5 = Convert.ToHexStringLower(MD5.HashData(body));
                        var set = candidates.GetOrAdd(key, _ => new ConcurrentDictionary<string, byte>());
                        set[md5] = 0;
                        try
                        {
                            using var response = await client.SendAsync(HttpMethod.Put, $"/{Bucket}/{key}", body);
                            if (!response.IsSuccessStatusCode)
                            {
                                continue;
                            }

                            Assert.Equal($"\"{md5}\"", response.Headers.ETag?.Tag);

                            // Acknowledged: from now on only this or a later write may be read back.
                            foreach (var older in set.Keys.Where(k => k != md5))
                            {
                                set.TryRemove(older, out _);
                            }

                            everAcknowledged[key] = 0;
                            Interlocked.Increment(ref acknowledged);
                        }
                        catch (HttpRequestException)
                        {
                            return;
                        }
                        catch (TaskCanceledException)
                        {
                            return;
                        }
                    }
                })).ToList();

                await WaitUntilAsync(() => Volatile.Read(ref acknowledged) >= 300, TimeSpan.FromSeconds(60));
                await server.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(writers);
            }

            Assert.True(acknowledged >= 300);
            await using var restarted = await CofferServer.StartAsync(data);
            using var reader = new S3TestClient(restarted.Endpoint);
            var blobBacked = 0;
            foreach (var (key, possible) in candidates)
            {
                using var response = await reader.SendAsync(HttpMethod.Get, $"/{Bucket}/{key}");
                if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    // Only a key none of whose writes was acknowledged may be missing.
                    Assert.False(everAcknowledged.ContainsKey(key), $"{key} vanished after an acknowledged write");
                    continue;
                }

                Assert.True(response.IsSuccessStatusCode, $"GET {key}: {(int)response.StatusCode}");
                var body = await response.Content.ReadAsByteArrayAsync();
                var md5 = Convert.ToHexStringLower(MD5.HashData(body));
                Assert.True(possible.ContainsKey(md5), $"{key} read back content that was never acknowledged nor in flight");
                Assert.Equal($"\"{md5}\"", response.Headers.ETag?.Tag);
                if (body.Length > 64 * 1024)
                {
                    blobBacked++;
                }
            }

            var listed = await ListKeysAsync(reader);
            Assert.All(listed, key => Assert.True(candidates.ContainsKey(key), $"unexpected key {key}"));
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(data, "tmp")));
            var blobFiles = Directory.EnumerateFiles(Path.Combine(data, "blobs"), "*", SearchOption.AllDirectories).Count();
            Assert.Equal(blobBacked, blobFiles);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<List<string>> ListKeysAsync(S3TestClient client)
    {
        using var response = await client.SendAsync(HttpMethod.Get, $"/{Bucket}?list-type=2");
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync());
        XNamespace ns = "http://s3.amazonaws.com/doc/2006-03-01/";
        return xml.Descendants(ns + "Key").Select(k => k.Value).ToList();
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }
}
