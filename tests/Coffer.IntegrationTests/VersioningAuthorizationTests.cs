using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// The versioned IAM actions with a real IAM user made through the server's IAM API: reading,
/// deleting and listing named versions are s3:GetObjectVersion, s3:DeleteObjectVersion and
/// s3:ListBucketVersions, not the plain object actions, and s3:VersionId works in conditions.
/// </summary>
public sealed class VersioningAuthorizationTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private readonly AmazonS3Client _root = fixture.Client;

    [Fact]
    public async Task PlainObjectActions_ReachTheCurrentVersionOnly_UntilTheVersionActionsAreGranted()
    {
        var bucket = await VersionedBucketAsync();
        var (iam, user, s3) = await UserAsync("plain", bucket);
        using (iam)
        using (s3)
        {
            var first = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "one" });
            var second = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "two" });
            Assert.Equal("two", await ReadAsync(s3, bucket, "doc"));
            Assert.Single((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects);

            await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => ReadAsync(s3, bucket, "doc", first.VersionId));
            // A HEAD answer has no body to name the error.
            await S3Assert.FailsWithStatusAsync(HttpStatusCode.Forbidden, () =>
                s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "doc", VersionId = first.VersionId }));
            await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () =>
                s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "doc", VersionId = first.VersionId }));
            await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket }));
            await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => s3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = bucket,
                SourceKey = "doc",
                SourceVersionId = first.VersionId,
                DestinationBucket = bucket,
                DestinationKey = "doc",
            }));
            var batch = await Assert.ThrowsAsync<DeleteObjectsException>(() =>
                s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = bucket, Objects = [new KeyVersion { Key = "doc", VersionId = first.VersionId }] }));
            Assert.Equal("AccessDenied", Assert.Single(batch.Response.DeleteErrors).Code);

            // Nothing refused changed anything; the plain delete writes a marker.
            var versions = await _root.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
            Assert.Equal([second.VersionId, first.VersionId], versions.Versions.Select(v => v.VersionId));
            var deleted = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "doc" });
            Assert.Equal("true", deleted.DeleteMarker);

            await iam.CallAsync("PutUserPolicy", ("UserName", user), ("PolicyName", "versions"), ("PolicyDocument", Policy(
                new { Effect = "Allow", Action = new[] { "s3:GetObjectVersion", "s3:DeleteObjectVersion" }, Resource = $"arn:aws:s3:::{bucket}/*" },
                new { Effect = "Allow", Action = "s3:ListBucketVersions", Resource = $"arn:aws:s3:::{bucket}" })));

            Assert.Equal("one", await ReadAsync(s3, bucket, "doc", first.VersionId));
            var listed = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
            Assert.Equal(3, listed.Versions.Count);
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "doc", VersionId = deleted.VersionId });
            Assert.Equal("two", await ReadAsync(s3, bucket, "doc"));
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "doc", VersionId = first.VersionId });
            await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchVersion", () => ReadAsync(s3, bucket, "doc", first.VersionId));
        }
    }

    [Fact]
    public async Task VersionIdCondition_GrantsTheNamedVersionOnly()
    {
        var bucket = await VersionedBucketAsync();
        var first = await _root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "one" });
        var second = await _root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "two" });
        var (iam, user, s3) = await UserAsync("condition", bucket);
        using (iam)
        using (s3)
        {
            await iam.CallAsync("PutUserPolicy", ("UserName", user), ("PolicyName", "one-version"), ("PolicyDocument", Policy(new
            {
                Effect = "Allow",
                Action = "s3:GetObjectVersion",
                Resource = $"arn:aws:s3:::{bucket}/*",
                Condition = new { StringEquals = new Dictionary<string, string> { ["s3:VersionId"] = first.VersionId } },
            })));

            Assert.Equal("one", await ReadAsync(s3, bucket, "doc", first.VersionId));
            await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () => ReadAsync(s3, bucket, "doc", second.VersionId));

            // An explicit deny on the key binds even the root.
            await _root.PutBucketPolicyAsync(new PutBucketPolicyRequest
            {
                BucketName = bucket,
                Policy = Policy(new
                {
                    Effect = "Deny",
                    Principal = "*",
                    Action = "s3:DeleteObjectVersion",
                    Resource = $"arn:aws:s3:::{bucket}/*",
                    Condition = new { StringEquals = new Dictionary<string, string> { ["s3:VersionId"] = first.VersionId } },
                }),
            });
            await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () =>
                _root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "doc", VersionId = first.VersionId }));
            await _root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "doc", VersionId = second.VersionId });
            await _root.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket });
            Assert.Equal("one", await ReadAsync(_root, bucket, "doc"));
        }
    }

    /// <summary>A new IAM user allowed the plain object actions and ListBucket on <paramref name="bucket"/>, with an S3 client of its own.</summary>
    private async Task<(QueryApiClient Iam, string User, AmazonS3Client S3)> UserAsync(string purpose, string bucket)
    {
        var user = await IamTestUser.CreateAsync(
            fixture.Endpoint,
            "versions-" + purpose,
            new { Effect = "Allow", Action = new[] { "s3:GetObject", "s3:PutObject", "s3:DeleteObject" }, Resource = $"arn:aws:s3:::{bucket}/*" },
            new { Effect = "Allow", Action = "s3:ListBucket", Resource = $"arn:aws:s3:::{bucket}" });
        return (user.Iam, user.Name, user.S3);
    }

    private async Task<string> VersionedBucketAsync()
    {
        var bucket = await fixture.CreateBucketAsync("verauth");
        await _root.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        return bucket;
    }

    private static async Task<string> ReadAsync(AmazonS3Client s3, string bucket, string key, string? versionId = null)
    {
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    private static string Policy(params object[] statements) => IamTestUser.Policy(statements);
}
