using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// Object lock (WORM) through the AWS SDK for .NET and raw signed requests: buckets created with it,
/// default and per-object retention, legal hold, and who may remove a locked version (nobody, for
/// compliance retention; for governance retention only a caller with s3:BypassGovernanceRetention
/// who says so in x-amz-bypass-governance-retention).
/// </summary>
public sealed class SdkObjectLockTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private readonly AmazonS3Client _root = fixture.Client;

    [Fact]
    public async Task CreateBucket_WithObjectLock_TurnsVersioningOnForGood()
    {
        var bucket = await LockedBucketAsync();

        Assert.Equal(VersionStatus.Enabled, (await _root.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
        var configuration = (await _root.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration;
        Assert.Equal(ObjectLockEnabled.Enabled, configuration.ObjectLockEnabled);
        Assert.Null(configuration.Rule);
        await S3Assert.FailsAsync(HttpStatusCode.Conflict, "InvalidBucketState", () => _root.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended },
        }));
        Assert.Equal(VersionStatus.Enabled, (await _root.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
    }

    [Fact]
    public async Task BucketWithoutObjectLock_RefusesLockOperations_UntilVersioningIsOnAndLockIsConfigured()
    {
        var bucket = await fixture.CreateBucketAsync("nolock");
        await _root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "x" });

        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "ObjectLockConfigurationNotFoundError", () => _root.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket }));
        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "InvalidRequest", () => _root.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "doc" }));
        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "InvalidRequest", () => _root.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
        {
            BucketName = bucket,
            Key = "doc",
            LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.On },
        }));
        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "InvalidRequest", () => _root.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "locked",
            ContentBody = "x",
            ObjectLockMode = ObjectLockMode.Governance,
            ObjectLockRetainUntilDate = DateTime.UtcNow.AddDays(1),
        }));
        await S3Assert.FailsAsync(HttpStatusCode.Conflict, "InvalidBucketState", () => _root.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = bucket,
            ObjectLockConfiguration = Compliance(days: 1),
        }));

        // An existing bucket takes object lock once versioning is on, as S3 allows since 2023.
        await _root.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await _root.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest { BucketName = bucket, ObjectLockConfiguration = Compliance(days: 1) });
        var locked = await _root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "y" });
        Assert.Equal(ObjectLockRetentionMode.Compliance, (await _root.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "doc", VersionId = locked.VersionId })).Retention.Mode);
    }

    [Fact]
    public async Task ComplianceRetention_ResistsEveryDeleteAndEveryShortening_EvenByRoot()
    {
        var bucket = await LockedBucketAsync();
        await _root.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest { BucketName = bucket, ObjectLockConfiguration = Compliance(days: 1) });
        var before = DateTime.UtcNow;
        var version = (await _root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "record", ContentBody = "must not change" })).VersionId;

        var retention = (await _root.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "record", VersionId = version })).Retention;
        Assert.Equal(ObjectLockRetentionMode.Compliance, retention.Mode);
        Assert.InRange(retention.RetainUntilDate!.Value.ToUniversalTime(), before.AddDays(1).AddMinutes(-1), DateTime.UtcNow.AddDays(1).AddMinutes(1));
        var head = await _root.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "record" });
        Assert.Equal(ObjectLockMode.Compliance, head.ObjectLockMode);

        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => _root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "record", VersionId = version }));
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => _root.DeleteObjectAsync(new DeleteObjectRequest
        {
            BucketName = bucket,
            Key = "record",
            VersionId = version,
            BypassGovernanceRetention = true,
        }));
        var batch = await Assert.ThrowsAsync<DeleteObjectsException>(() => _root.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            BypassGovernanceRetention = true,
            Objects = [new KeyVersion { Key = "record", VersionId = version }],
        }));
        Assert.Equal("AccessDenied", Assert.Single(batch.Response.DeleteErrors).Code);
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => SetRetentionAsync(bucket, "record", version, ObjectLockRetentionMode.Compliance, retention.RetainUntilDate!.Value.AddHours(-1)));
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => SetRetentionAsync(bucket, "record", version, ObjectLockRetentionMode.Governance, retention.RetainUntilDate!.Value.AddDays(1), bypass: true));

        // A delete without a version id only hides the record behind a marker; overwriting makes a new version.
        var marker = await _root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "record" });
        Assert.Equal("true", marker.DeleteMarker);
        await _root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "record", ContentBody = "overwritten" });
        Assert.Equal("must not change", await ReadAsync(bucket, "record", version));

        // Extending compliance retention is allowed.
        await SetRetentionAsync(bucket, "record", version, ObjectLockRetentionMode.Compliance, retention.RetainUntilDate!.Value.AddDays(2));
        var extended = (await _root.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "record", VersionId = version })).Retention;
        Assert.Equal(retention.RetainUntilDate!.Value.AddDays(2), extended.RetainUntilDate!.Value, TimeSpan.FromSeconds(1));
        var versions = await _root.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Contains(versions.Versions, v => v.VersionId == version);
    }

    [Fact]
    public async Task GovernanceRetention_GivesWayOnlyToTheBypassPermissionWithTheHeader()
    {
        var bucket = await LockedBucketAsync();
        using var user = await IamTestUser.CreateAsync(
            fixture.Endpoint,
            "governance",
            new { Effect = "Allow", Action = new[] { "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention", "s3:GetObjectRetention" }, Resource = $"arn:aws:s3:::{bucket}/*" });
        var until = DateTime.UtcNow.AddHours(1);
        var version = (await user.S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "draft",
            ContentBody = "governed",
            ObjectLockMode = ObjectLockMode.Governance,
            ObjectLockRetainUntilDate = until,
        })).VersionId;

        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => _root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "draft", VersionId = version }));
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => user.S3.DeleteObjectAsync(new DeleteObjectRequest
        {
            BucketName = bucket,
            Key = "draft",
            VersionId = version,
            BypassGovernanceRetention = true,
        }));
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => user.S3.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = bucket,
            Key = "draft",
            VersionId = version,
            BypassGovernanceRetention = true,
            Retention = new ObjectLockRetention { Mode = ObjectLockRetentionMode.Governance, RetainUntilDate = until.AddMinutes(-30) },
        }));

        // Extending needs no bypass; shortening and deleting need the permission and the header.
        await user.S3.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = bucket,
            Key = "draft",
            VersionId = version,
            Retention = new ObjectLockRetention { Mode = ObjectLockRetentionMode.Governance, RetainUntilDate = until.AddHours(1) },
        });
        await user.Iam.CallAsync("PutUserPolicy", ("UserName", user.Name), ("PolicyName", "bypass"), ("PolicyDocument", IamTestUser.Policy(
            new { Effect = "Allow", Action = "s3:BypassGovernanceRetention", Resource = $"arn:aws:s3:::{bucket}/*" })));
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => user.S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "draft", VersionId = version }));
        Assert.Equal("governed", await ReadAsync(bucket, "draft", version));

        await user.S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "draft", VersionId = version, BypassGovernanceRetention = true });

        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchVersion", () => ReadAsync(bucket, "draft", version));
    }

    [Fact]
    public async Task LegalHold_BlocksRemovalUntilLifted_AndRetentionEndsOnItsDate()
    {
        var bucket = await LockedBucketAsync();
        var held = (await _root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "evidence", ContentBody = "x", ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On })).VersionId;

        Assert.Equal(ObjectLockLegalHoldStatus.On, (await _root.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "evidence" })).LegalHold.Status);
        Assert.Equal(ObjectLockLegalHoldStatus.On, (await _root.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "evidence" })).ObjectLockLegalHoldStatus);
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => _root.DeleteObjectAsync(new DeleteObjectRequest
        {
            BucketName = bucket,
            Key = "evidence",
            VersionId = held,
            BypassGovernanceRetention = true,
        }));
        await _root.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
        {
            BucketName = bucket,
            Key = "evidence",
            VersionId = held,
            LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.Off },
        });
        await _root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "evidence", VersionId = held });

        // Compliance retention a few seconds long: refused while it lasts, allowed after.
        var brief = (await _root.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "brief",
            ContentBody = "x",
            ObjectLockMode = ObjectLockMode.Compliance,
            ObjectLockRetainUntilDate = DateTime.UtcNow.AddSeconds(3),
        })).VersionId;
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => _root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "brief", VersionId = brief }));
        await Task.Delay(TimeSpan.FromSeconds(4));
        await _root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "brief", VersionId = brief });
    }

    [Fact]
    public async Task MultipartUpload_GivesTheCompletedObjectTheRequestedLock()
    {
        var bucket = await LockedBucketAsync();
        var until = DateTime.UtcNow.AddDays(2);
        var upload = await _root.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "archive",
            ObjectLockMode = ObjectLockMode.Compliance,
            ObjectLockRetainUntilDate = until,
        });
        var part = await _root.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = "archive",
            UploadId = upload.UploadId,
            PartNumber = 1,
            InputStream = new MemoryStream(Encoding.UTF8.GetBytes("the only part")),
        });
        var completed = await _root.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "archive",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, part.ETag)],
        });

        var retention = (await _root.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "archive", VersionId = completed.VersionId })).Retention;
        Assert.Equal(ObjectLockRetentionMode.Compliance, retention.Mode);
        Assert.Equal(until, retention.RetainUntilDate!.Value.ToUniversalTime(), TimeSpan.FromSeconds(1));
        await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => _root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "archive", VersionId = completed.VersionId }));
    }

    [Fact]
    public async Task PutWithLockParameters_WithoutContentMd5OrChecksum_IsRefused()
    {
        var bucket = await LockedBucketAsync();
        var body = "record"u8.ToArray();

        // No lock parameters and no default retention: nothing is demanded.
        using (var plain = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}/plain", body))
        {
            Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        }

        using (var bare = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}/held", body, r => r.Headers.Add("x-amz-object-lock-legal-hold", "ON")))
        {
            var error = await S3Assert.ErrorAsync(bare, HttpStatusCode.BadRequest, "InvalidRequest");
            Assert.Contains("Content-MD5", error.Element("Message")!.Value, StringComparison.Ordinal);
        }

        await _root.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest { BucketName = bucket, ObjectLockConfiguration = Compliance(days: 1) });
        using (var defaulted = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}/defaulted", body))
        {
            await S3Assert.ErrorAsync(defaulted, HttpStatusCode.BadRequest, "InvalidRequest");
        }

        Assert.False(await fixture.ObjectExistsAsync(bucket, "held"));
        Assert.False(await fixture.ObjectExistsAsync(bucket, "defaulted"));
        using (var withMd5 = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}/defaulted", body, r => r.Content!.Headers.ContentMD5 = MD5.HashData(body)))
        {
            Assert.Equal(HttpStatusCode.OK, withMd5.StatusCode);
        }

        using (var withChecksum = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}/checksummed", body, r => r.Headers.Add("x-amz-checksum-sha256", Convert.ToBase64String(SHA256.HashData(body)))))
        {
            Assert.Equal(HttpStatusCode.OK, withChecksum.StatusCode);
        }
    }

    [Theory]
    [InlineData("x-amz-object-lock-mode", "GOVERNANCE", null, "InvalidArgument")]
    [InlineData("x-amz-object-lock-mode", "FOREVER", "+1", "InvalidArgument")]
    [InlineData("x-amz-object-lock-mode", "COMPLIANCE", "-1", "InvalidArgument")]
    [InlineData("x-amz-object-lock-mode", "COMPLIANCE", "tomorrow", "InvalidArgument")]
    [InlineData("x-amz-object-lock-legal-hold", "MAYBE", null, "InvalidArgument")]
    public async Task PutWithInvalidLockHeaders_IsRefused_AndStoresNothing(string header, string value, string? untilDays, string code)
    {
        var bucket = await LockedBucketAsync();
        var body = "x"u8.ToArray();
        using var response = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}/bad", body, r =>
        {
            r.Content!.Headers.ContentMD5 = MD5.HashData(body);
            r.Headers.Add(header, value);
            if (untilDays is not null)
            {
                r.Headers.Add("x-amz-object-lock-retain-until-date", int.TryParse(untilDays, out var days) ? DateTime.UtcNow.AddDays(days).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'") : untilDays);
            }
        });

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, code);
        Assert.False(await fixture.ObjectExistsAsync(bucket, "bad"));
    }

    [Theory]
    [InlineData("<ObjectLockConfiguration><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>0</Days></DefaultRetention></Rule></ObjectLockConfiguration>", "InvalidArgument")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>-5</Days></DefaultRetention></Rule></ObjectLockConfiguration>", "InvalidArgument")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>FOREVER</Mode><Years>1</Years></DefaultRetention></Rule></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>1000</Years></DefaultRetention></Rule></ObjectLockConfiguration>", "InvalidArgument")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule/></ObjectLockConfiguration>", "MalformedXML")]
    [InlineData("<ObjectLockConfiguration><ObjectLockEnabled>Enabled", "MalformedXML")]
    public async Task PutObjectLockConfiguration_WithAnInvalidDocument_IsRefused_AndChangesNothing(string document, string code)
    {
        var bucket = await LockedBucketAsync();
        var body = Encoding.UTF8.GetBytes(document);

        using var response = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}?object-lock", body, r => r.Content!.Headers.ContentMD5 = MD5.HashData(body));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Null((await _root.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration.Rule);
    }

    [Fact]
    public async Task PutObjectLockConfiguration_WithoutContentMd5_IsRefused()
    {
        var bucket = await LockedBucketAsync();
        var body = "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled></ObjectLockConfiguration>"u8.ToArray();

        using var response = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}?object-lock", body);

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "InvalidRequest");
    }

    private async Task<string> LockedBucketAsync()
    {
        var bucket = $"lock-{Guid.NewGuid():N}"[..20];
        await _root.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        return bucket;
    }

    private static ObjectLockConfiguration Compliance(int days) => new()
    {
        ObjectLockEnabled = ObjectLockEnabled.Enabled,
        Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Compliance, Days = days } },
    };

    private Task SetRetentionAsync(string bucket, string key, string versionId, ObjectLockRetentionMode mode, DateTime until, bool bypass = false) =>
        _root.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = bucket,
            Key = key,
            VersionId = versionId,
            BypassGovernanceRetention = bypass,
            Retention = new ObjectLockRetention { Mode = mode, RetainUntilDate = until },
        });

    private async Task<string> ReadAsync(string bucket, string key, string versionId)
    {
        using var response = await _root.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
