using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// A server and a known set of requests made by root, an IAM user and an anonymous caller, all
/// between <see cref="From"/> and <see cref="To"/>; lookups run after <see cref="To"/>, so their
/// own records stay outside that range.
/// </summary>
public sealed class AuditLookupFixture : IAsyncLifetime
{
    public const string Bucket = "lookup-known";
    public const string OtherBucket = "lookup-other";

    public CofferServer Server { get; private set; } = null!;

    public string UserName { get; } = "lookup-writer";

    public string UserArn { get; private set; } = null!;

    public string UserKeyId { get; private set; } = null!;

    public string UserSecret { get; private set; } = null!;

    public DateTimeOffset From { get; private set; }

    public DateTimeOffset To { get; private set; }

    /// <summary>Every event between <see cref="From"/> and <see cref="To"/>: the ground truth the filters are checked against.</summary>
    public List<JsonElement> All { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await CofferServer.StartAsync();
        From = DateTimeOffset.UtcNow.AddSeconds(-1);
        using (var s3 = SdkClients.Create(Server, maxErrorRetry: 0))
        {
            await s3.PutBucketAsync(Bucket);
            await s3.PutBucketAsync(OtherBucket);
            foreach (var key in new[] { "reports/2026/a.csv", "reports/2026/b.csv", "images/c.png" })
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = key });
            }

            await s3.GetObjectMetadataAsync(Bucket, "images/c.png");
        }

        using (var iam = new QueryApiClient(Server.Endpoint, "iam"))
        {
            var user = await iam.CallAsync("CreateUser", ("UserName", UserName));
            UserArn = QueryApiClient.Value(user, "Arn");
            var policy = IamTestUser.Policy(new { Effect = "Allow", Action = new[] { "s3:PutObject", "s3:GetObject" }, Resource = $"arn:aws:s3:::{Bucket}/*" });
            await iam.CallAsync("PutUserPolicy", ("UserName", UserName), ("PolicyName", "objects"), ("PolicyDocument", policy));
            var key = await iam.CallAsync("CreateAccessKey", ("UserName", UserName));
            (UserKeyId, UserSecret) = (QueryApiClient.Value(key, "AccessKeyId"), QueryApiClient.Value(key, "SecretAccessKey"));
        }

        using (var s3 = new AmazonS3Client(
            new BasicAWSCredentials(UserKeyId, UserSecret),
            new AmazonS3Config { ServiceURL = Server.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 }))
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "reports/2026/by-user.csv", ContentBody = "u" });
            await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(OtherBucket, "nothing"));
        }

        using (var anonymous = new HttpClient())
        {
            using var response = await anonymous.GetAsync(new Uri(Server.Endpoint, $"/{Bucket}/reports/2026/a.csv"));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        }

        // Event times are whole seconds: lookups start in a later second than To.
        To = DateTimeOffset.UtcNow.AddMilliseconds(500);
        await Task.Delay(1600);
        using var cloudTrail = new CloudTrailApiClient(Server.Endpoint);
        All = await cloudTrail.LookupAllAsync(Range());
    }

    /// <summary>A request over the known requests' time range, with more members.</summary>
    public Dictionary<string, object> Range(params (string Name, object Value)[] members)
    {
        var request = new Dictionary<string, object>
        {
            ["StartTime"] = From.ToUnixTimeMilliseconds() / 1000.0,
            ["EndTime"] = To.ToUnixTimeMilliseconds() / 1000.0,
        };
        foreach (var (name, value) in members)
        {
            request[name] = value;
        }

        return request;
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
