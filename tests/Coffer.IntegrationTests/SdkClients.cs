using Amazon.Runtime;
using Amazon.S3;

namespace Coffer.IntegrationTests;

/// <summary>The AWS SDK for .NET pointed at a test server, configured as the README tells users to.</summary>
public static class SdkClients
{
    public static AmazonS3Client Create(CofferServer server, int maxErrorRetry = 2) =>
        new(new BasicAWSCredentials(CofferServer.AccessKey, CofferServer.SecretKey), new AmazonS3Config
        {
            ServiceURL = server.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = maxErrorRetry,
            Timeout = TimeSpan.FromSeconds(120),
        });
}
