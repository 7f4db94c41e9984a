using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// Lifecycle rules through the AWS SDK for .NET, carried out by the real server's worker: it runs
/// every second here, and its clock is moved forward through COFFER_LIFECYCLE_CLOCK_OFFSET_FILE.
/// </summary>
public sealed class SdkLifecycleTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly string _offsetFile = Path.Combine(Path.GetTempPath(), $"coffer-lifecycle-offset-{Guid.NewGuid():N}");
    private CofferServer _server = null!;
    private AmazonS3Client _s3 = null!;

    public async Task InitializeAsync()
    {
        _server = await CofferServer.StartAsync(environment: new Dictionary<string, string>
        {
            ["COFFER_LIFECYCLE_INTERVAL"] = "00:00:01",
            ["COFFER_LIFECYCLE_CLOCK_OFFSET_FILE"] = _offsetFile,
        });
        _s3 = SdkClients.Create(_server, maxErrorRetry: 0);
    }

    public async Task DisposeAsync()
    {
        _s3.Dispose();
        await _server.DisposeAsync();
        File.Delete(_offsetFile);
    }

    [Fact]
    public async Task Rules_AfterTheClockMoves_ExpireWhatTheySay_AndNothingElse()
    {
        await _s3.PutBucketAsync("versioned");
        await _s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = "versioned", VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await _s3.PutBucketAsync("plain");
        await PutRulesAsync("versioned",
            new LifecycleRule { Id = "noncurrent", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "nc/" }, NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1, NewerNoncurrentVersions = 1 } },
            new LifecycleRule { Id = "markers", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "dm/" }, Expiration = new LifecycleRuleExpiration { ExpiredObjectDeleteMarker = true } },
            new LifecycleRule
            {
                Id = "current",
                Status = LifecycleRuleStatus.Enabled,
                Filter = new LifecycleFilter { And = new LifecycleRuleAndOperator { Prefix = "cur/", Tags = [new Tag { Key = "class", Value = "temp" }], ObjectSizeLessThan = 1000 } },
                Expiration = new LifecycleRuleExpiration { Days = 30 },
            },
            new LifecycleRule { Id = "uploads", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "up/" }, AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 1 } });
        await PutRulesAsync("plain",
            new LifecycleRule { Id = "old", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "old/" }, Expiration = new LifecycleRuleExpiration { Days = 30 } },
            new LifecycleRule { Id = "sentinel", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "sentinel/" }, Expiration = new LifecycleRuleExpiration { Date = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) } });

        var noncurrent = new List<string>();
        for (var i = 1; i <= 4; i++)
        {
            noncurrent.Add((await PutAsync("versioned", "nc/doc", $"v{i}")).VersionId);
            await PutAsync("versioned", "other/doc", $"v{i}");
        }

        await PutAsync("versioned", "dm/alone", "x");
        var marker = await _s3.DeleteObjectAsync("versioned", "dm/alone");
        var data = (await VersionsAsync("versioned", "dm/alone")).Single(v => v.IsDeleteMarker != true);
        await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = "versioned", Key = "dm/alone", VersionId = data.VersionId });
        await PutAsync("versioned", "dm/backed", "x");
        await _s3.DeleteObjectAsync("versioned", "dm/backed");

        await PutAsync("versioned", "cur/small", "temp", new Tag { Key = "class", Value = "temp" });
        await PutAsync("versioned", "cur/tagged-keep", "keep", new Tag { Key = "class", Value = "keep" });
        await PutAsync("versioned", "cur/big", new string('b', 2000), new Tag { Key = "class", Value = "temp" });
        var upload = await _s3.InitiateMultipartUploadAsync("versioned", "up/file");
        await _s3.UploadPartAsync(new UploadPartRequest { BucketName = "versioned", Key = "up/file", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[1024]) });
        var otherUpload = await _s3.InitiateMultipartUploadAsync("versioned", "other/file");

        await PutAsync("plain", "old/a", "a");
        await PutAsync("plain", "new/a", "a");

        // Object lock: a compliance-locked version outlives every rule that would remove it.
        await _s3.PutBucketAsync(new PutBucketRequest { BucketName = "locked", ObjectLockEnabledForBucket = true });
        await PutRulesAsync("locked", new LifecycleRule
        {
            Id = "everything",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { Prefix = string.Empty },
            Expiration = new LifecycleRuleExpiration { Days = 30 },
            NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1 },
        });
        var record = (await _s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "locked",
            Key = "record",
            ContentBody = "kept",
            ObjectLockMode = ObjectLockMode.Compliance,
            ObjectLockRetainUntilDate = DateTime.UtcNow.AddDays(1),
        })).VersionId;
        var draft = (await PutAsync("locked", "record", "not kept")).VersionId;

        // Nothing is due yet: a few passes later everything is still there.
        await WaitForPassesAsync();
        Assert.Equal(4, (await VersionsAsync("versioned", "nc/doc")).Count);
        Assert.Equal(2, (await VersionsAsync("plain", "")).Count);

        await File.WriteAllTextAsync(_offsetFile, "P40D");

        await EventuallyAsync(async () => (await VersionsAsync("versioned", "nc/doc")).Count == 2);
        Assert.Equal([noncurrent[3], noncurrent[2]], (await VersionsAsync("versioned", "nc/doc")).Select(v => v.VersionId));
        await EventuallyAsync(async () => (await VersionsAsync("versioned", "dm/alone")).Count == 0);
        await EventuallyAsync(async () => (await VersionsAsync("versioned", "cur/small")).FirstOrDefault() is { IsDeleteMarker: true, IsLatest: true });
        await EventuallyAsync(async () => (await _s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = "versioned" })).MultipartUploads is [{ Key: "other/file" }]);
        await EventuallyAsync(async () => (await VersionsAsync("plain", "")).Select(v => v.Key).SequenceEqual(["new/a"]));

        // The unlocked version expired, then went as noncurrent; the locked one stays behind the marker.
        await EventuallyAsync(async () => !(await VersionsAsync("locked", "record")).Any(v => v.VersionId == draft));
        var lockedVersions = await VersionsAsync("locked", "record");
        Assert.Equal([(true, (string?)null), (false, record)], lockedVersions.Select(v => (v.IsDeleteMarker == true, v.IsDeleteMarker == true ? null : v.VersionId)));

        // Out of scope: other prefix, other tags, too big, a marker with data behind it, another upload.
        Assert.Equal(4, (await VersionsAsync("versioned", "other/doc")).Count);
        Assert.NotEqual(true, (await VersionsAsync("versioned", "cur/tagged-keep")).Single().IsDeleteMarker);
        Assert.NotEqual(true, (await VersionsAsync("versioned", "cur/big")).Single().IsDeleteMarker);
        Assert.Equal([true, false], (await VersionsAsync("versioned", "dm/backed")).Select(v => v.IsDeleteMarker == true));
        Assert.Equal(otherUpload.UploadId, (await _s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = "versioned" })).MultipartUploads.Single().UploadId);

        // The expired version's data is kept behind its delete marker.
        var small = await VersionsAsync("versioned", "cur/small");
        Assert.Equal([true, false], small.Select(v => v.IsDeleteMarker == true));
        Assert.NotEqual(marker.VersionId, small[0].VersionId);
        using var kept = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = "versioned", Key = "cur/small", VersionId = small[1].VersionId });
        Assert.Equal("temp", await new StreamReader(kept.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task PutGetDelete_RoundTripTheConfiguration()
    {
        await _s3.PutBucketAsync("config");
        var date = new DateTime(2030, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var put = await _s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = "config",
            Configuration = new LifecycleConfiguration
            {
                Rules =
                [
                    new LifecycleRule { Id = "dated", Status = LifecycleRuleStatus.Disabled, Filter = new LifecycleFilter { Tag = new Tag { Key = "k", Value = "v" } }, Expiration = new LifecycleRuleExpiration { Date = date } },
                    new LifecycleRule { Id = "sized", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { ObjectSizeGreaterThan = 1024 }, NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 7 } },
                ],
            },
        });
        Assert.Equal(HttpStatusCode.OK, put.HttpStatusCode);

        var got = await _s3.GetLifecycleConfigurationAsync("config");

        Assert.Equal("all_storage_classes_128K", got.TransitionDefaultMinimumObjectSize?.Value);
        var (dated, sized) = (got.Configuration.Rules[0], got.Configuration.Rules[1]);
        Assert.Equal(("dated", LifecycleRuleStatus.Disabled), (dated.Id, dated.Status));
        var tag = dated.Filter.Tag ?? Assert.IsType<LifecycleTagPredicate>(dated.Filter.LifecycleFilterPredicate).Tag;
        Assert.Equal(("k", "v"), (tag.Key, tag.Value));
        Assert.Equal(date, dated.Expiration.Date?.ToUniversalTime());
        Assert.Equal(1024, sized.Filter.ObjectSizeGreaterThan ?? Assert.IsType<LifecycleObjectSizeGreaterThanPredicate>(sized.Filter.LifecycleFilterPredicate).ObjectSizeGreaterThan);
        Assert.Equal(7, sized.NoncurrentVersionExpiration.NoncurrentDays);

        var deleted = await _s3.DeleteLifecycleConfigurationAsync("config");
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        await AssertNoConfigurationAsync("config");
    }

    [Fact]
    public async Task Put_ATransition_IsRefused_AndStoresNothing()
    {
        await _s3.PutBucketAsync("transition");

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutRulesAsync("transition", new LifecycleRule
        {
            Id = "glacier",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { Prefix = "" },
            Transitions = [new LifecycleTransition { Days = 30, StorageClass = S3StorageClass.Glacier }],
        }));

        Assert.Equal((HttpStatusCode.BadRequest, "InvalidRequest"), (error.StatusCode, error.ErrorCode));
        await AssertNoConfigurationAsync("transition");
    }

    /// <summary>The SDK turns S3's 404 NoSuchLifecycleConfiguration into an empty answer; the scripted sessions check the error itself.</summary>
    private async Task AssertNoConfigurationAsync(string bucket)
    {
        try
        {
            var response = await _s3.GetLifecycleConfigurationAsync(bucket);
            Assert.Empty(response.Configuration?.Rules ?? []);
        }
        catch (AmazonS3Exception e)
        {
            Assert.Equal((HttpStatusCode.NotFound, "NoSuchLifecycleConfiguration"), (e.StatusCode, e.ErrorCode));
        }
    }

    private Task PutRulesAsync(string bucket, params LifecycleRule[] rules) =>
        _s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest { BucketName = bucket, Configuration = new LifecycleConfiguration { Rules = [.. rules] } });

    private Task<PutObjectResponse> PutAsync(string bucket, string key, string body, Tag? tag = null) =>
        _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body, TagSet = tag is null ? null : [tag] });

    private async Task<List<S3ObjectVersion>> VersionsAsync(string bucket, string key)
    {
        var response = await _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = key });
        return (response.Versions ?? []).Where(v => key.Length == 0 || v.Key == key).ToList();
    }

    /// <summary>
    /// Waits until a whole pass has run since now, so that "nothing happened" means something: a
    /// sentinel object (expired by a rule dated in the past) is written and removed twice; the pass
    /// that removes the second started after the first was gone.
    /// </summary>
    private async Task WaitForPassesAsync()
    {
        for (var i = 0; i < 2; i++)
        {
            await PutAsync("plain", "sentinel/s", "s");
            await EventuallyAsync(async () => (await VersionsAsync("plain", "sentinel/s")).Count == 0);
        }
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the lifecycle worker did not get there in time");
            await Task.Delay(200);
        }
    }
}
