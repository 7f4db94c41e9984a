using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>PutBucketEncryption, GetBucketEncryption and DeleteBucketEncryption (the bucket's default encryption) with the AWS SDK and the aws cli.</summary>
public sealed class BucketEncryptionConfigTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private readonly AmazonS3Client _s3 = fixture.Client;

    [Fact]
    public async Task NewBucket_DefaultsToSseS3()
    {
        var bucket = await fixture.CreateBucketAsync("enc-default");

        var response = await _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket });

        var rule = Assert.Single(response.ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
        Assert.Equal(ServerSideEncryptionMethod.AES256, rule.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        Assert.False(rule.BucketKeyEnabled);
    }

    [Fact]
    public async Task PutKms_ThenGet_ThenDelete_GoesBackToSseS3()
    {
        var bucket = await fixture.CreateBucketAsync("enc-kms");
        await _s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules =
                [
                    new ServerSideEncryptionRule
                    {
                        ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault
                        {
                            ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AWSKMS,
                            ServerSideEncryptionKeyManagementServiceKeyId = "alias/reports",
                        },
                        BucketKeyEnabled = true,
                    },
                ],
            },
        });

        var kms = Assert.Single((await _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket })).ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, kms.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
        Assert.Equal("alias/reports", kms.ServerSideEncryptionByDefault.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.True(kms.BucketKeyEnabled);

        await _s3.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = bucket });

        var back = Assert.Single((await _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket })).ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
        Assert.Equal(ServerSideEncryptionMethod.AES256, back.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
    }

    [Fact]
    public async Task Put_KeyWithSseS3_IsInvalidArgument_AndChangesNothing()
    {
        var bucket = await fixture.CreateBucketAsync("enc-bad");

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => _s3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules =
                [
                    new ServerSideEncryptionRule
                    {
                        ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault
                        {
                            ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256,
                            ServerSideEncryptionKeyManagementServiceKeyId = "alias/reports",
                        },
                    },
                ],
            },
        }));

        Assert.Equal("InvalidArgument", error.ErrorCode);
        var rule = Assert.Single((await _s3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket })).ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
        Assert.Equal(ServerSideEncryptionMethod.AES256, rule.ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);
    }

    [Fact]
    public async Task AwsCli_PutAndGetBucketEncryption()
    {
        var bucket = await fixture.CreateBucketAsync("enc-cli");
        var aws = ClientScriptTests.RequireExecutable("aws", "put aws cli v1 first on PATH, or apt-get install awscli");
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = CofferServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = CofferServer.SecretKey,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_PAGER"] = string.Empty,
        };
        string[] endpoint = ["--endpoint-url", fixture.Server.Endpoint.ToString()];

        var put = await ExternalProcess.RunAsync(aws, [.. endpoint, "s3api", "put-bucket-encryption", "--bucket", bucket, "--server-side-encryption-configuration",
            """{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"alias/cli"}}]}"""], environment, TimeSpan.FromMinutes(1));
        var get = await ExternalProcess.RunAsync(aws, [.. endpoint, "s3api", "get-bucket-encryption", "--bucket", bucket], environment, TimeSpan.FromMinutes(1));

        // The .NET SDK turns this 404 into an empty answer; the aws cli shows it.
        var missing = await ExternalProcess.RunAsync(aws, [.. endpoint, "s3api", "get-bucket-encryption", "--bucket", "enc-no-such-bucket"], environment, TimeSpan.FromMinutes(1));

        Assert.True(put.ExitCode == 0, put.ToString());
        Assert.True(get.ExitCode == 0, get.ToString());
        using var json = JsonDocument.Parse(get.StandardOutput);
        var rule = json.RootElement.GetProperty("ServerSideEncryptionConfiguration").GetProperty("Rules")[0];
        Assert.Equal("aws:kms", rule.GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("SSEAlgorithm").GetString());
        Assert.Equal("alias/cli", rule.GetProperty("ApplyServerSideEncryptionByDefault").GetProperty("KMSMasterKeyID").GetString());
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("NoSuchBucket", missing.StandardError, StringComparison.Ordinal);
    }
}
