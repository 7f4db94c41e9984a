using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// The account-wide block (COFFER_PUBLIC_ACCESS_BLOCK) overrides every bucket's own: a bucket
/// opened to the public is closed again when the server restarts with it, and reopens without it.
/// </summary>
public sealed class AccountPublicAccessBlockTests
{
    [Fact]
    public async Task AccountWideBlock_ClosesABucketItsOwnBlockLeftOpen_UntilTheServerRestartsWithoutIt()
    {
        var data = Directory.CreateTempSubdirectory("coffer-pab-").FullName;
        try
        {
            const string bucket = "opened";
            await using (var server = await CofferServer.StartAsync(data))
            {
                using var client = Client(server);
                await client.PutBucketAsync(new PutBucketRequest { BucketName = bucket });
                await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "doc" });
                await client.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
                await client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = PublicAccessBlockTests.PublicRead(bucket) });
                Assert.Equal(HttpStatusCode.OK, await AnonymousGetAsync(server, bucket));
            }

            var blocked = new Dictionary<string, string> { ["COFFER_PUBLIC_ACCESS_BLOCK"] = "true" };
            await using (var server = await CofferServer.StartAsync(data, environment: blocked))
            {
                using var client = Client(server);
                Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync(server, bucket));

                // The bucket's own setting is unchanged, and its policy is still public.
                await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchPublicAccessBlockConfiguration", () =>
                    client.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket }));
                Assert.True((await client.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic);

                // BlockPublicPolicy from the account refuses a public policy even on this bucket.
                await S3Assert.FailsAsync(HttpStatusCode.Forbidden, "AccessDenied", () =>
                    client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = PublicAccessBlockTests.PublicRead(bucket) }));
            }

            // Only the two flags that matter here, by name.
            var restrictOnly = new Dictionary<string, string> { ["COFFER_PUBLIC_ACCESS_BLOCK"] = "RestrictPublicBuckets" };
            await using (var server = await CofferServer.StartAsync(data, environment: restrictOnly))
            {
                using var client = Client(server);
                Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync(server, bucket));
                await client.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = PublicAccessBlockTests.PublicRead(bucket) });
            }

            await using (var server = await CofferServer.StartAsync(data))
            {
                Assert.Equal(HttpStatusCode.OK, await AnonymousGetAsync(server, bucket));
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static AmazonS3Client Client(CofferServer server) => new(
        new BasicAWSCredentials(CofferServer.AccessKey, CofferServer.SecretKey),
        new AmazonS3Config { ServiceURL = server.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = SdkServerFixture.Region, MaxErrorRetry = 0 });

    private static async Task<HttpStatusCode> AnonymousGetAsync(CofferServer server, string bucket)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri(server.Endpoint, $"/{bucket}/doc"));
        return response.StatusCode;
    }
}
