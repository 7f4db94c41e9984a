using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>The AWS SDK for .NET: STS AssumeRole and GetSessionToken, then S3 with the session credentials.</summary>
public sealed class SdkStsTests : IAsyncLifetime
{
    private const string Bucket = "sdk-sts";
    private const string OtherBucket = "sdk-sts-other";

    private CofferServer _server = null!;
    private QueryApiClient _iam = null!;
    private string _account = null!;
    private (string Id, string Secret) _developerKey;

    public async Task InitializeAsync()
    {
        _server = await CofferServer.StartAsync();
        _iam = new QueryApiClient(_server.Endpoint, "iam");
        using var s3 = SdkClients.Create(_server);
        await s3.PutBucketAsync(Bucket);
        await s3.PutBucketAsync(OtherBucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = OtherBucket, Key = "secret.txt", ContentBody = "not for the role" });

        var user = await _iam.CallAsync("CreateUser", ("UserName", "developer"));
        _account = QueryApiClient.Value(user, "Arn").Split(':')[4];
        await _iam.CallAsync("PutUserPolicy", ("UserName", "developer"), ("PolicyName", "assume"), ("PolicyDocument", Json(new
        {
            Version = "2012-10-17",
            Statement = new object[]
            {
                new { Effect = "Allow", Action = "sts:AssumeRole", Resource = $"arn:aws:iam::{_account}:role/sdk-writer" },
                new { Effect = "Allow", Action = "s3:ListAllMyBuckets", Resource = "*" },
            },
        })));
        var key = await _iam.CallAsync("CreateAccessKey", ("UserName", "developer"));
        _developerKey = (QueryApiClient.Value(key, "AccessKeyId"), QueryApiClient.Value(key, "SecretAccessKey"));

        await _iam.CallAsync("CreateRole", ("RoleName", "sdk-writer"), ("AssumeRolePolicyDocument", Json(new
        {
            Version = "2012-10-17",
            Statement = new[] { new { Effect = "Allow", Principal = new { AWS = $"arn:aws:iam::{_account}:user/developer" }, Action = "sts:AssumeRole" } },
        })));
        await _iam.CallAsync("PutRolePolicy", ("RoleName", "sdk-writer"), ("PolicyName", "bucket"), ("PolicyDocument", Json(new
        {
            Version = "2012-10-17",
            Statement = new[] { new { Effect = "Allow", Action = "s3:*", Resource = new[] { $"arn:aws:s3:::{Bucket}", $"arn:aws:s3:::{Bucket}/*" } } },
        })));
    }

    public async Task DisposeAsync()
    {
        _iam.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task AssumeRole_ThenS3_WorksWithinTheRoleOnly()
    {
        using var sts = StsClient(new BasicAWSCredentials(_developerKey.Id, _developerKey.Secret));
        var assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = $"arn:aws:iam::{_account}:role/sdk-writer",
            RoleSessionName = "sdk-session",
            DurationSeconds = 900,
        });

        Assert.StartsWith("ASIA", assumed.Credentials.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal($"arn:aws:sts::{_account}:assumed-role/sdk-writer/sdk-session", assumed.AssumedRoleUser.Arn);
        Assert.InRange(assumed.Credentials.Expiration!.Value, DateTime.UtcNow.AddMinutes(14), DateTime.UtcNow.AddMinutes(16));

        var session = new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken);
        using var s3 = S3Client(session);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "from-role.txt", ContentBody = "written by the role" });
        using (var get = await s3.GetObjectAsync(Bucket, "from-role.txt"))
        using (var reader = new StreamReader(get.ResponseStream))
        {
            Assert.Equal("written by the role", await reader.ReadToEndAsync());
        }

        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket });
        Assert.Equal(["from-role.txt"], listed.S3Objects.Select(o => o.Key));

        var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(OtherBucket, "secret.txt"));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        using var sessionSts = StsClient(session);
        var identity = await sessionSts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal(assumed.AssumedRoleUser.Arn, identity.Arn);
        Assert.Equal(_account, identity.Account);
        Assert.Equal(assumed.AssumedRoleUser.AssumedRoleId, identity.UserId);
    }

    [Fact]
    public async Task AssumeRole_OfARoleTheCallerMayNotAssume_IsDenied()
    {
        await _iam.CallAsync("CreateRole", ("RoleName", "sdk-other"), ("AssumeRolePolicyDocument", Json(new
        {
            Version = "2012-10-17",
            Statement = new[] { new { Effect = "Allow", Principal = new { AWS = $"arn:aws:iam::{_account}:user/developer" }, Action = "sts:AssumeRole" } },
        })));
        using var sts = StsClient(new BasicAWSCredentials(_developerKey.Id, _developerKey.Secret));

        // The trust policy names the developer, but the developer's own policy does not allow it.
        var error = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = $"arn:aws:iam::{_account}:role/sdk-other",
            RoleSessionName = "nope",
        }));
        Assert.Equal("AccessDenied", error.ErrorCode);
    }

    [Fact]
    public async Task GetSessionToken_CredentialsActAsTheUser()
    {
        using var sts = StsClient(new BasicAWSCredentials(_developerKey.Id, _developerKey.Secret));
        var token = await sts.GetSessionTokenAsync(new GetSessionTokenRequest { DurationSeconds = 900 });
        var session = new SessionAWSCredentials(token.Credentials.AccessKeyId, token.Credentials.SecretAccessKey, token.Credentials.SessionToken);

        using var sessionSts = StsClient(session);
        Assert.Equal($"arn:aws:iam::{_account}:user/developer", (await sessionSts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);

        using var s3 = S3Client(session);
        var buckets = await s3.ListBucketsAsync();
        Assert.Contains(buckets.Buckets, b => b.BucketName == Bucket);
        var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(OtherBucket, "secret.txt"));
        Assert.Equal("AccessDenied", denied.ErrorCode);
    }

    private AmazonSecurityTokenServiceClient StsClient(AWSCredentials credentials) =>
        new(credentials, new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = _server.Endpoint.ToString(),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    private AmazonS3Client S3Client(AWSCredentials credentials) =>
        new(credentials, new AmazonS3Config
        {
            ServiceURL = _server.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
