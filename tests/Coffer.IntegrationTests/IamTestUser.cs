using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;

namespace Coffer.IntegrationTests;

/// <summary>An IAM user made through the server's IAM API, with one inline policy and an S3 client signing as it.</summary>
internal sealed class IamTestUser : IDisposable
{
    private IamTestUser(QueryApiClient iam, string name, AmazonS3Client s3)
    {
        Iam = iam;
        Name = name;
        S3 = s3;
    }

    public QueryApiClient Iam { get; }

    public string Name { get; }

    public AmazonS3Client S3 { get; }

    public static async Task<IamTestUser> CreateAsync(Uri endpoint, string purpose, params object[] statements)
    {
        var iam = new QueryApiClient(endpoint, "iam");
        var name = $"{purpose}-{Guid.NewGuid():N}"[..40];
        await iam.CallAsync("CreateUser", ("UserName", name));
        await iam.CallAsync("PutUserPolicy", ("UserName", name), ("PolicyName", "objects"), ("PolicyDocument", Policy(statements)));
        var key = await iam.CallAsync("CreateAccessKey", ("UserName", name));
        var s3 = new AmazonS3Client(
            new BasicAWSCredentials(QueryApiClient.Value(key, "AccessKeyId"), QueryApiClient.Value(key, "SecretAccessKey")),
            new AmazonS3Config { ServiceURL = endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = SdkServerFixture.Region, MaxErrorRetry = 0 });
        return new IamTestUser(iam, name, s3);
    }

    public static string Policy(params object[] statements) => JsonSerializer.Serialize(new { Version = "2012-10-17", Statement = statements });

    public void Dispose()
    {
        S3.Dispose();
        Iam.Dispose();
    }
}
