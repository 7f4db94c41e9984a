using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Coffer.Audit.Digests;
using Coffer.Crypto;
using Coffer.Crypto.Kms;
using Coffer.Protocol.S3;
using Coffer.Storage;
using Coffer.Storage.Blobs.FileSystem;
using Coffer.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// Delivery of the audit trail to the log bucket against the real server: the bucket as it is
/// made, log files and digests under CloudTrail's keys, <c>coffer audit verify</c> on a trail left
/// alone and on one tampered with behind the server's back, and who may read or delete it.
/// </summary>
public sealed partial class AuditDeliveryTests : IAsyncLifetime
{
    private const string LogBucket = "coffer-audit-logs";

    private static readonly Dictionary<string, string> Fast = new()
    {
        ["COFFER_AUDIT_DELIVERY_INTERVAL"] = "00:00:01",
        ["COFFER_AUDIT_DIGEST_INTERVAL"] = "00:00:02",
        ["COFFER_AUDIT_RETENTION_DAYS"] = "30",
    };

    private CofferServer _server = null!;
    private AmazonS3Client _root = null!;
    private string _accountId = "000000000000";

    public async Task InitializeAsync()
    {
        _server = await CofferServer.StartAsync(environment: Fast);
        _root = SdkClients.Create(_server, maxErrorRetry: 0);
    }

    public async Task DisposeAsync()
    {
        _root.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task LogBucket_OnFirstStart_HasComplianceLockVersioningEncryptionAndEveryPublicAccessBlock()
    {
        var objectLock = await _root.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = LogBucket });
        var versioning = await _root.GetBucketVersioningAsync(LogBucket);
        var encryption = await _root.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = LogBucket });
        var block = await _root.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = LogBucket });

        Assert.Equal(ObjectLockEnabled.Enabled, objectLock.ObjectLockConfiguration.ObjectLockEnabled);
        Assert.Equal(ObjectLockRetentionMode.Compliance, objectLock.ObjectLockConfiguration.Rule.DefaultRetention.Mode);
        Assert.Equal(30, objectLock.ObjectLockConfiguration.Rule.DefaultRetention.Days);
        Assert.Equal(VersionStatus.Enabled, versioning.VersioningConfig.Status);
        Assert.Equal(ServerSideEncryptionMethod.AES256, Assert.Single(encryption.ServerSideEncryptionConfiguration.ServerSideEncryptionRules).ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        var flags = block.PublicAccessBlockConfiguration;
        Assert.True(flags.BlockPublicAcls == true && flags.IgnorePublicAcls == true && flags.BlockPublicPolicy == true && flags.RestrictPublicBuckets == true);

        // A restart finds the bucket and leaves it as it is.
        Assert.Equal(0, await _server.StopAsync(TimeSpan.FromSeconds(30)));
        await using var restarted = await CofferServer.StartAsync(_server.DataDirectory, environment: Fast);
        using var client = SdkClients.Create(restarted, maxErrorRetry: 0);
        Assert.Equal(30, (await client.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = LogBucket })).ObjectLockConfiguration.Rule.DefaultRetention.Days);
    }

    [Fact]
    public async Task Requests_AreDeliveredAsGzipLogFilesUnderCloudTrailKeys_DigestsComeInQuietPeriods_AndVerifyPasses()
    {
        await _root.PutBucketAsync("reports");
        await _root.PutObjectAsync(new PutObjectRequest { BucketName = "reports", Key = "q3.txt", ContentBody = "numbers" });

        // Reading the bucket is audited too, so each file is read once, and the quiet periods come after.
        var records = new Dictionary<string, List<JsonElement>>(StringComparer.Ordinal);
        await WaitForAsync(async () =>
        {
            await Task.Delay(1000);
            foreach (var key in (await KeysAsync("/CloudTrail/")).Where(k => !records.ContainsKey(k)))
            {
                Assert.Matches(LogFileKey(), key);
                records[key] = await ReadRecordsAsync(key);
            }

            return records.Values.SelectMany(r => r).Any(r => r.GetProperty("eventName").GetString() == "PutObject") ? "ok" : null;
        });
        var all = records.Values.SelectMany(r => r).ToList();
        Assert.Contains(all, r => r.GetProperty("eventName").GetString() == "CreateBucket" && r.GetProperty("requestParameters").GetProperty("bucketName").GetString() == "reports");
        Assert.All(all, r => Assert.True(r.TryGetProperty("eventTime", out _)));

        await Task.Delay(TimeSpan.FromSeconds(7));
        var digests = (await KeysAsync("/CloudTrail-Digest/")).Order(StringComparer.Ordinal).ToList();
        Assert.All(digests, d => Assert.Matches(DigestKey(), d));
        foreach (var quiet in digests.TakeLast(2))
        {
            var digest = AuditDigests.Parse(Gunzip(await GetAsync(quiet)));
            Assert.Empty(digest.LogFiles);
            Assert.NotNull(digest.PreviousDigestSignature);
        }

        var cli = new CofferCli(_server);
        var verify = await cli.RunAsync(CofferCli.Root, "audit", "verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("the trail is intact", verify.StandardOutput, StringComparison.Ordinal);

        var publicKey = await cli.RunAsync(CofferCli.Root, "audit", "public-key");
        Assert.True(publicKey.ExitCode == 0, publicKey.ToString());
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", publicKey.StandardOutput, StringComparison.Ordinal);
        var pem = Path.Combine(_server.DataDirectory, "audit-key.pem");
        await File.WriteAllTextAsync(pem, publicKey.StandardOutput);
        var withKey = await cli.RunAsync(CofferCli.Root, "audit", "verify", "--public-key", pem, "--json");
        Assert.True(withKey.ExitCode == 0, withKey.ToString());
        Assert.True(JsonDocument.Parse(withKey.StandardOutput).RootElement.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task DeliveredLogs_CannotBeDeletedEvenByRoot_NorReadByAnUnprivilegedUser()
    {
        await _root.PutBucketAsync("own");
        var logFile = await WaitForAsync(async () => (await KeysAsync("/CloudTrail/")).FirstOrDefault(k => k.EndsWith(".json.gz", StringComparison.Ordinal)));
        var version = Assert.Single((await _root.ListVersionsAsync(new ListVersionsRequest { BucketName = LogBucket, Prefix = logFile })).Versions);

        var delete = await Assert.ThrowsAsync<AmazonS3Exception>(() => _root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = LogBucket, Key = logFile, VersionId = version.VersionId }));
        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), (delete.StatusCode, delete.ErrorCode));
        var bypass = await Assert.ThrowsAsync<AmazonS3Exception>(() => _root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = LogBucket, Key = logFile, VersionId = version.VersionId, BypassGovernanceRetention = true }));
        Assert.Equal(HttpStatusCode.Forbidden, bypass.StatusCode);
        Assert.Equal(ObjectLockRetentionMode.Compliance, (await _root.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = LogBucket, Key = logFile, VersionId = version.VersionId })).Retention.Mode);

        using var user = await IamTestUser.CreateAsync(_server.Endpoint, "logreader", new { Effect = "Allow", Action = "s3:*", Resource = new[] { "arn:aws:s3:::own", "arn:aws:s3:::own/*" } });
        var read = await Assert.ThrowsAsync<AmazonS3Exception>(() => user.S3.GetObjectAsync(LogBucket, logFile));
        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        var list = await Assert.ThrowsAsync<AmazonS3Exception>(() => user.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = LogBucket }));
        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
    }

    [Fact]
    public async Task Verify_NamesEachTamperingDoneBehindTheServersBack()
    {
        // Two deliveries, so there are two log files to tamper with, and digests listing them.
        await _root.PutBucketAsync("first");
        await WaitForAsync(async () => (await KeysAsync("/CloudTrail/")).Any(k => k.EndsWith(".json.gz", StringComparison.Ordinal)) ? "ok" : null);
        await _root.PutBucketAsync("second");
        var found = await WaitForAsync(async () =>
        {
            // Files listed by earlier digests, and a later digest to forge that lists none of them.
            var digests = (await KeysAsync("/CloudTrail-Digest/")).Order(StringComparer.Ordinal).ToList();
            var listed = new List<string>();
            foreach (var key in digests.SkipLast(1))
            {
                listed.AddRange(AuditDigests.Parse(Gunzip(await GetAsync(key))).LogFiles.Select(f => f.S3Object));
            }

            return listed.Count >= 2 ? Tuple.Create(listed, digests[^1]) : null;
        });
        var (files, forged) = found.ToValueTuple();
        _accountId = forged.Split('/')[1];
        Assert.Equal(0, await _server.StopAsync(TimeSpan.FromSeconds(30)));

        var deleted = files[0];
        var modified = files[1];

        // (a) a delivered log removed from the metadata database, (b) a record changed and the file
        // stored again as a new version, (c) a digest re-made and signed without the server's key.
        DeleteRow(deleted);
        var original = Gunzip(ReadOffline(modified));
        var text = Encoding.UTF8.GetString(original);
        var eventName = EventNamePattern().Match(text);
        var changed = text[..eventName.Index] + "\"eventName\":\"Nothing\"" + text[(eventName.Index + eventName.Length)..];
        await WriteOfflineAsync(modified, Gzip(Encoding.UTF8.GetBytes(changed)), []);
        var digest = AuditDigests.Parse(Gunzip(ReadOffline(forged)));
        using var stranger = AuditSigningKey.Generate(DateTimeOffset.UtcNow);
        var link = new DigestLink(LogBucket, digest.PreviousDigestS3Object!, digest.DigestStartTime, digest.PreviousDigestHashValue!, digest.PreviousDigestSignature!);
        var fake = AuditDigests.Create(new DigestRequest { AccountId = digest.AwsAccountId, Region = "us-east-1", S3Bucket = LogBucket, StartTime = digest.DigestStartTime, EndTime = digest.DigestEndTime, LogFiles = [] }, link, stranger);
        await WriteOfflineAsync(forged, Gzip(fake.Content), [new("signature", fake.Signature)]);

        await using var restarted = await CofferServer.StartAsync(_server.DataDirectory, environment: Fast);
        var verify = await new CofferCli(restarted).RunAsync(CofferCli.Root, "audit", "verify");

        Assert.True(verify.ExitCode == 1, verify.ToString());
        var output = verify.StandardOutput;
        Assert.Contains($"LogFileDeleted: {deleted}:", output, StringComparison.Ordinal);
        Assert.Contains($"LogFileModified: {modified}:", output, StringComparison.Ordinal);
        Assert.Matches($"RecordModified: {Regex.Escape(modified)} record \\d+:", output);
        Assert.Contains($"DigestUnknownKey: {forged}:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_NamesALogFileWhoseBlobWasEditedOnDisk()
    {
        // Long random keys make records that compress poorly, so a delivered log file outgrows
        // the inline limit and is stored as a blob file of its own.
        await _root.PutBucketAsync("bulk");
        for (var i = 0; i < 400; i++)
        {
            var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(500));
            var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => _root.GetObjectMetadataAsync("bulk", key));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        var large = await WaitForAsync(async () =>
        {
            var request = new ListObjectsV2Request { BucketName = LogBucket, Prefix = "AWSLogs/" };
            var listed = await _root.ListObjectsV2Async(request);
            return (listed.S3Objects ?? []).FirstOrDefault(o => o.Key.Contains("/CloudTrail/", StringComparison.Ordinal) && o.Size > ObjectStore.InlineLimit)?.Key;
        });
        _accountId = large.Split('/')[1];

        // Listed by a digest first: a trail whose digests list no file yet has nothing to chain its files from.
        await WaitForAsync(async () =>
        {
            foreach (var digest in await KeysAsync("/CloudTrail-Digest/"))
            {
                if (AuditDigests.Parse(Gunzip(await GetAsync(digest))).LogFiles.Any(f => f.S3Object == large))
                {
                    return digest;
                }
            }

            return null;
        });
        Assert.Equal(0, await _server.StopAsync(TimeSpan.FromSeconds(30)));

        // One byte of the stored (encrypted) blob changed, as someone with the disk could.
        var blob = BlobPath(large);
        var bytes = await File.ReadAllBytesAsync(blob);
        bytes[bytes.Length / 2] ^= 0x40;
        await File.WriteAllBytesAsync(blob, bytes);

        await using var restarted = await CofferServer.StartAsync(_server.DataDirectory, environment: Fast);
        var verify = await new CofferCli(restarted).RunAsync(CofferCli.Root, "audit", "verify");

        Assert.True(verify.ExitCode == 1, verify.ToString());
        // Its bytes no longer decrypt, nor hash to its digest's entry; the files after it still chain on.
        Assert.Contains($"LogFileUnreadable: {large}:", verify.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"LogFileModified: {large}:", verify.StandardOutput, StringComparison.Ordinal);
        var others = verify.StandardOutput.Split('\n')
            .Where(line => line.StartsWith("LogFile", StringComparison.Ordinal) && !line.StartsWith("LogFileNotYetDigested", StringComparison.Ordinal) && !line.Contains(large, StringComparison.Ordinal));
        Assert.True(!others.Any(), verify.StandardOutput);
    }

    [Fact]
    public async Task CleanStop_DeliversTheLastRecords_RatherThanLeavingThemForTheNextStart()
    {
        await _server.DisposeAsync();
        _server = await CofferServer.StartAsync(environment: new Dictionary<string, string>
        {
            ["COFFER_AUDIT_DELIVERY_INTERVAL"] = "01:00:00",
            ["COFFER_AUDIT_DIGEST_INTERVAL"] = "01:00:00",
        });
        using (var client = SdkClients.Create(_server, maxErrorRetry: 0))
        {
            var put = await client.PutBucketAsync("last-words");
            var requestId = put.ResponseMetadata.RequestId;
            Assert.Contains(AuditJournal.Records(_server.DataDirectory), r => r.GetProperty("requestID").GetString() == requestId);

            Assert.Equal(0, await _server.StopAsync(TimeSpan.FromSeconds(30)));

            // Nothing is left in the journal but the empty segment that carries the chain on...
            Assert.Empty(AuditJournal.Records(_server.DataDirectory));
            Assert.DoesNotContain(_server.Output, line => line.Contains("could not be delivered", StringComparison.Ordinal));

            // ...and the request is in a log file in the bucket.
            var delivered = LogFileKeysOffline().SelectMany(key => JsonDocument.Parse(Gunzip(ReadOffline(key))).RootElement.GetProperty("Records").EnumerateArray());
            Assert.Contains(delivered, r => r.GetProperty("requestID").GetString() == requestId);
        }
    }

    private async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for delivery:\n" + string.Join('\n', _server.Output.TakeLast(30)));
            await Task.Delay(250);
        }
    }

    private async Task<List<string>> KeysAsync(string folder)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = LogBucket, Prefix = "AWSLogs/" };
        ListObjectsV2Response page;
        do
        {
            page = await _root.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key).Where(k => k.Contains(folder, StringComparison.Ordinal)));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return keys;
    }

    private async Task<byte[]> GetAsync(string key)
    {
        using var response = await _root.GetObjectAsync(LogBucket, key);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task<List<JsonElement>> ReadRecordsAsync(string key)
    {
        using var document = JsonDocument.Parse(Gunzip(await GetAsync(key)));
        return document.RootElement.GetProperty("Records").EnumerateArray().Select(r => r.Clone()).ToList();
    }

    private void DeleteRow(string key)
    {
        using var command = LogBucketCommand("DELETE FROM objects WHERE bucket = $b AND key = $k", key);
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    private List<string> LogFileKeysOffline()
    {
        using var command = LogBucketCommand("SELECT key FROM objects WHERE bucket = $b", null);
        using var reader = command.ExecuteReader();
        var keys = new List<string>();
        while (reader.Read())
        {
            keys.Add(Encoding.UTF8.GetString((byte[])reader.GetValue(0)));
        }

        return keys.Where(k => LogFileKey().IsMatch(k)).ToList();
    }

    private string BlobPath(string key)
    {
        using var command = LogBucketCommand("SELECT blob_id FROM objects WHERE bucket = $b AND key = $k", key);
        var blobId = Assert.IsType<string>(command.ExecuteScalar());
        return Path.Combine(_server.DataDirectory, "blobs", blobId[..2], blobId);
    }

    /// <summary>A statement on the stopped server's metadata database, with $b the log bucket and $k the key; disposing it closes the connection.</summary>
    private SqliteCommand LogBucketCommand(string sql, string? key)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(_server.DataDirectory, "metadata.db")};Pooling=False");
        connection.Open();
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$b", LogBucket);
        if (key is not null)
        {
            command.Parameters.AddWithValue("$k", Encoding.UTF8.GetBytes(key));
        }

        command.Disposed += (_, _) => connection.Dispose();
        return command;
    }

    private byte[] ReadOffline(string key) => OfflineStoreAsync(async objects => (await objects.GetAsync(LogBucket, key, CancellationToken.None))!.Value.Content).GetAwaiter().GetResult();

    /// <summary>A new version written straight into the stopped server's store, as someone with the data directory and its master key could.</summary>
    private Task WriteOfflineAsync(string key, byte[] content, IReadOnlyList<KeyValuePair<string, string>> metadata) =>
        OfflineStoreAsync(async objects =>
        {
            using var body = new MemoryStream(content);
            return await objects.PutAsync(LogBucket, key, body, "application/json", "gzip", metadata, mustNotExist: false, CancellationToken.None);
        });

    private async Task<T> OfflineStoreAsync<T>(Func<ServerObjects, Task<T>> use)
    {
        var data = _server.DataDirectory;
        var masterKey = MasterKey.LoadOrCreate(Path.Combine(data, "master.key"));
        await using var database = SqliteDatabase.Open(Path.Combine(data, "metadata.db"));
        var store = new ObjectStore(new SqliteMetadataStore(database), new FileBlobStore(data), TimeProvider.System);
        var kms = new KeyManagementService(database, masterKey, new KmsOptions { Region = "us-east-1", AccountId = _accountId }, TimeProvider.System);
        return await use(new ServerObjects(store, kms, TimeProvider.System));
    }

    private static byte[] Gunzip(byte[] content)
    {
        using var gzip = new GZipStream(new MemoryStream(content), CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    [GeneratedRegex(@"^AWSLogs/\d{12}/CloudTrail/us-east-1/\d{4}/\d{2}/\d{2}/\d{12}_CloudTrail_us-east-1_\d{8}T\d{4}Z_[0-9a-f]{16}\.json\.gz$")]
    private static partial Regex LogFileKey();

    [GeneratedRegex(@"^AWSLogs/\d{12}/CloudTrail-Digest/us-east-1/\d{4}/\d{2}/\d{2}/\d{12}_CloudTrail-Digest_us-east-1_coffer_us-east-1_\d{8}T\d{6}Z\.json\.gz$")]
    private static partial Regex DigestKey();

    [GeneratedRegex("\"eventName\":\"[A-Za-z]+\"")]
    private static partial Regex EventNamePattern();
}
