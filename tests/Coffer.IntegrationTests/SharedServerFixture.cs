using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>One server and bucket shared by the tests of a class that do not inspect the data directory.</summary>
public sealed class SharedServerFixture : IAsyncLifetime
{
    public const string Bucket = "shared";

    public CofferServer Server { get; private set; } = null!;

    public AmazonS3Client Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await CofferServer.StartAsync();
        Client = SdkClients.Create(Server);
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
