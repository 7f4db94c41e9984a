using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// A server, a bucket and one 1 GiB random file shared by the command-line client tests, so the
/// file is written once; the work directory is removed at the end to keep disk use bounded.
/// </summary>
public sealed class CliFixture : IAsyncLifetime
{
    public const string Bucket = "cli";
    public const long LargeFileSize = 1024L * RandomData.MiB;

    public CofferServer Server { get; private set; } = null!;

    public AmazonS3Client Client { get; private set; } = null!;

    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("coffer-cli-").FullName;

    public string LargeFile => Path.Combine(WorkDirectory, "large.bin");

    public byte[] LargeFileSha256 { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Server = await CofferServer.StartAsync();
        Client = SdkClients.Create(Server);
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
        LargeFileSha256 = await RandomData.WriteFileAsync(LargeFile, LargeFileSize);
    }

    /// <summary>The environment that points the aws cli at the server and away from any user configuration.</summary>
    public Dictionary<string, string?> AwsEnvironment() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = CofferServer.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = CofferServer.SecretKey,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_CONFIG_FILE"] = Path.Combine(WorkDirectory, "no-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(WorkDirectory, "no-credentials"),
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_PAGER"] = string.Empty,
        ["AWS_PROFILE"] = null,
        ["AWS_SESSION_TOKEN"] = null,
    };

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(WorkDirectory, recursive: true);
    }
}
