using System.Text;
using System.Text.Json;
using Coffer.Protocol.Auth;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// The built-in KMS driven by real clients: the aws cli (v1 first on PATH and Debian's v2) through
/// a key's whole life, boto3 through a scripted session (scripts/kms_session.py), an IAM user
/// confined to one key, and hostile bodies sent raw. One server for the class.
/// </summary>
public sealed class KmsTests(SharedServerFixture fixture) : IClassFixture<SharedServerFixture>, IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("coffer-kms-").FullName;
    private readonly KmsApiClient _kms = new(fixture.Server.Endpoint);

    public static TheoryData<string> AwsClis => new() { "aws", "/usr/bin/aws" };

    public static TheoryData<string> Pythons => new() { "python3", "/usr/bin/python3" };

    public void Dispose()
    {
        _kms.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    [Theory]
    [MemberData(nameof(AwsClis))]
    public async Task AwsCli_KeyLifecycle_AliasEncryptRotateDisableScheduleAndCancelDeletion(string aws)
    {
        var cli = new AwsCliKms(ClientScriptTests.RequireExecutable(aws, "pip install awscli, or apt-get install awscli"), fixture.Server.Endpoint, CofferCli.Root, _work);
        var alias = "alias/cli-" + Guid.NewGuid().ToString("N")[..8];

        var created = (await cli.CallAsync("create-key", "--description", "aws cli key")).GetProperty("KeyMetadata");
        var keyId = created.GetProperty("KeyId").GetString()!;
        var arn = created.GetProperty("Arn").GetString()!;
        Assert.Matches($"^arn:aws:kms:us-east-1:[0-9]{{12}}:key/{keyId}$", arn);
        Assert.Equal("CUSTOMER", created.GetProperty("KeyManager").GetString());
        await cli.CallAsync("create-alias", "--alias-name", alias, "--target-key-id", keyId);
        var described = (await cli.CallAsync("describe-key", "--key-id", alias)).GetProperty("KeyMetadata");
        Assert.Equal((keyId, "Enabled", true, "aws cli key"), (described.GetProperty("KeyId").GetString(), described.GetProperty("KeyState").GetString(), described.GetProperty("Enabled").GetBoolean(), described.GetProperty("Description").GetString()));
        var aliases = (await cli.CallAsync("list-aliases", "--key-id", keyId)).GetProperty("Aliases");
        Assert.Equal(alias, Assert.Single(aliases.EnumerateArray()).GetProperty("AliasName").GetString());
        Assert.Contains(keyId, (await cli.CallAsync("list-keys")).GetProperty("Keys").EnumerateArray().Select(k => k.GetProperty("KeyId").GetString()));

        // Encrypt and decrypt through files, bound to an encryption context.
        var plaintext = WriteFile("plain.txt", "a secret for the aws cli");
        var ciphertext = await EncryptToFileAsync(cli, alias, plaintext, "purpose=test,team=blue", "first.bin");
        Assert.Equal("a secret for the aws cli", await DecryptFileAsync(cli, ciphertext, "team=blue,purpose=test"));
        await cli.FailsAsync("InvalidCiphertextException", "decrypt", "--ciphertext-blob", "fileb://" + ciphertext, "--encryption-context", "purpose=other");
        await cli.FailsAsync("InvalidCiphertextException", "decrypt", "--ciphertext-blob", "fileb://" + ciphertext);

        var dataKey = await cli.CallAsync("generate-data-key", "--key-id", arn, "--key-spec", "AES_256");
        Assert.Equal(32, Convert.FromBase64String(dataKey.GetProperty("Plaintext").GetString()!).Length);
        Assert.Equal(arn, dataKey.GetProperty("KeyId").GetString());
        var wrapped = WriteBytes("data-key.bin", Convert.FromBase64String(dataKey.GetProperty("CiphertextBlob").GetString()!));
        Assert.Equal(dataKey.GetProperty("Plaintext").GetString(), (await cli.CallAsync("decrypt", "--ciphertext-blob", "fileb://" + wrapped)).GetProperty("Plaintext").GetString());

        // Disabled keys refuse to encrypt and decrypt until enabled again.
        await cli.CallAsync("disable-key", "--key-id", keyId);
        Assert.Equal("Disabled", (await cli.CallAsync("describe-key", "--key-id", keyId)).GetProperty("KeyMetadata").GetProperty("KeyState").GetString());
        await cli.FailsAsync("DisabledException", "encrypt", "--key-id", alias, "--plaintext", "fileb://" + plaintext);
        await cli.FailsAsync("DisabledException", "decrypt", "--ciphertext-blob", "fileb://" + ciphertext, "--encryption-context", "purpose=test,team=blue");
        await cli.CallAsync("enable-key", "--key-id", keyId);

        // Rotation: a new version encrypts, the old ciphertext still decrypts. Debian's cli v2.9
        // predates rotation periods and on-demand rotation, so it checks what it can send.
        var withPeriod = await cli.RunAsync("enable-key-rotation", "--key-id", keyId, "--rotation-period-in-days", "180");
        var periods = !withPeriod.StandardError.Contains("Unknown options", StringComparison.Ordinal);
        Assert.True(withPeriod.ExitCode == 0 || !periods, withPeriod.ToString());
        if (!periods)
        {
            await cli.CallAsync("enable-key-rotation", "--key-id", keyId);
        }

        var status = await cli.CallAsync("get-key-rotation-status", "--key-id", keyId);
        Assert.True(status.GetProperty("KeyRotationEnabled").GetBoolean());
        Assert.True(!periods || status.GetProperty("RotationPeriodInDays").GetInt32() == 180, status.ToString());
        var onDemand = await cli.RunAsync("rotate-key-on-demand", "--key-id", keyId);
        if (periods)
        {
            Assert.True(onDemand.ExitCode == 0, onDemand.ToString());
            Assert.Equal("ON_DEMAND", Assert.Single((await cli.CallAsync("list-key-rotations", "--key-id", keyId)).GetProperty("Rotations").EnumerateArray()).GetProperty("RotationType").GetString());
            var rotated = await EncryptToFileAsync(cli, keyId, plaintext, "purpose=test,team=blue", "second.bin");
            Assert.Equal((1, 2), (KeyVersion(ciphertext), KeyVersion(rotated)));
            Assert.Equal("a secret for the aws cli", await DecryptFileAsync(cli, ciphertext, "purpose=test,team=blue"));
            Assert.Equal("a secret for the aws cli", await DecryptFileAsync(cli, rotated, "purpose=test,team=blue"));
        }

        // Scheduled deletion: the key is unusable while pending, and usable again once cancelled and enabled.
        var scheduled = await cli.CallAsync("schedule-key-deletion", "--key-id", keyId, "--pending-window-in-days", "7");
        Assert.Equal(("PendingDeletion", 7, arn), (scheduled.GetProperty("KeyState").GetString(), scheduled.GetProperty("PendingWindowInDays").GetInt32(), scheduled.GetProperty("KeyId").GetString()));
        var pending = (await cli.CallAsync("describe-key", "--key-id", keyId)).GetProperty("KeyMetadata");
        Assert.Equal("PendingDeletion", pending.GetProperty("KeyState").GetString());
        Assert.True(pending.TryGetProperty("DeletionDate", out _));
        await cli.FailsAsync("KMSInvalidStateException", "decrypt", "--ciphertext-blob", "fileb://" + ciphertext, "--encryption-context", "purpose=test,team=blue");
        await cli.FailsAsync("KMSInvalidStateException", "enable-key", "--key-id", keyId);
        await cli.CallAsync("cancel-key-deletion", "--key-id", keyId);
        Assert.Equal("Disabled", (await cli.CallAsync("describe-key", "--key-id", keyId)).GetProperty("KeyMetadata").GetProperty("KeyState").GetString());
        await cli.CallAsync("enable-key", "--key-id", keyId);
        Assert.Equal("a secret for the aws cli", await DecryptFileAsync(cli, ciphertext, "purpose=test,team=blue"));

        await cli.FailsAsync("AlreadyExistsException", "create-alias", "--alias-name", alias, "--target-key-id", keyId);
        await cli.FailsAsync("NotFoundException", "describe-key", "--key-id", "alias/no-such-alias");
        await cli.FailsAsync("NotAuthorizedException", "create-alias", "--alias-name", "alias/aws/mine", "--target-key-id", keyId);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Boto3Session_PassesEveryCheck(string python)
    {
        var executable = ClientScriptTests.RequireExecutable(python, python == "python3" ? "put a python3 with boto3 first on PATH" : "apt-get install python3-boto3");
        var environment = AwsCliEnvironment.For(CofferCli.Root, _work);
        environment["COFFER_ENDPOINT"] = fixture.Server.Endpoint.GetLeftPart(UriPartial.Authority);
        var result = await ExternalProcess.RunAsync(executable, [ClientScriptTests.ScriptPath("kms_session.py")], environment, TimeSpan.FromMinutes(3));

        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task IamUser_AllowedOnlyToEncryptWithOneKey_IsDeniedEverythingElse()
    {
        var allowed = (await _kms.CallAsync("CreateKey", new { Description = "allowed" })).GetProperty("KeyMetadata");
        var other = (await _kms.CallAsync("CreateKey", new { Description = "other" })).GetProperty("KeyMetadata");
        var allowedArn = allowed.GetProperty("Arn").GetString()!;
        var otherArn = other.GetProperty("Arn").GetString()!;
        var alias = "alias/encrypt-only-" + Guid.NewGuid().ToString("N")[..8];
        await _kms.CallAsync("CreateAlias", new { AliasName = alias, TargetKeyId = allowedArn });
        var ciphertext = (await _kms.CallAsync("Encrypt", new { KeyId = allowedArn, Plaintext = KmsApiClient.Base64("root's") })).GetProperty("CiphertextBlob").GetString()!;
        var user = await CreateUserAsync("kms-encrypt-only", $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Encrypt","Resource":"{{allowedArn}}"}]}
            """);
        var cli = new AwsCliKms("aws", fixture.Server.Endpoint, user, _work);
        var plaintext = WriteFile("user.txt", "the user's secret");

        Assert.Equal(allowedArn, (await cli.CallAsync("encrypt", "--key-id", allowedArn, "--plaintext", "fileb://" + plaintext)).GetProperty("KeyId").GetString());
        Assert.Equal(allowedArn, (await cli.CallAsync("encrypt", "--key-id", alias, "--plaintext", "fileb://" + plaintext)).GetProperty("KeyId").GetString());
        var denied = await cli.FailsAsync("AccessDeniedException", "encrypt", "--key-id", otherArn, "--plaintext", "fileb://" + plaintext);
        Assert.Contains($"is not authorized to perform: kms:Encrypt on resource: {otherArn}", denied, StringComparison.Ordinal);
        await cli.FailsAsync("AccessDeniedException", "decrypt", "--ciphertext-blob", "fileb://" + WriteBytes("root.bin", Convert.FromBase64String(ciphertext)));
        await cli.FailsAsync("AccessDeniedException", "generate-data-key", "--key-id", allowedArn, "--key-spec", "AES_256");
        await cli.FailsAsync("AccessDeniedException", "describe-key", "--key-id", allowedArn);
        await cli.FailsAsync("AccessDeniedException", "disable-key", "--key-id", allowedArn);
        await cli.FailsAsync("AccessDeniedException", "schedule-key-deletion", "--key-id", allowedArn);
        await cli.FailsAsync("AccessDeniedException", "create-key");
        await cli.FailsAsync("AccessDeniedException", "list-keys");
        await cli.FailsAsync("AccessDeniedException", "create-alias", "--alias-name", "alias/user-made", "--target-key-id", allowedArn);
        Assert.Equal("Enabled", (await _kms.CallAsync("DescribeKey", new { KeyId = allowedArn })).GetProperty("KeyMetadata").GetProperty("KeyState").GetString());
    }

    [Fact]
    public async Task AwsManagedS3Key_IsMadeOnFirstUse_AndOnlyDescribable()
    {
        var key = (await _kms.CallAsync("DescribeKey", new { KeyId = "alias/aws/s3" })).GetProperty("KeyMetadata");

        Assert.Equal("AWS", key.GetProperty("KeyManager").GetString());
        var keyId = key.GetProperty("KeyId").GetString()!;
        Assert.True((await _kms.CallAsync("GetKeyRotationStatus", new { KeyId = keyId })).GetProperty("KeyRotationEnabled").GetBoolean());
        Assert.Equal("AccessDeniedException", (await _kms.SendAsync("DisableKey", new { KeyId = keyId })).ErrorType);
        Assert.Equal("AccessDeniedException", (await _kms.SendAsync("ScheduleKeyDeletion", new { KeyId = keyId })).ErrorType);
        Assert.Equal("AccessDeniedException", (await _kms.SendAsync("RotateKeyOnDemand", new { KeyId = keyId })).ErrorType);
        Assert.Equal("AccessDeniedException", (await _kms.SendAsync("Encrypt", new { KeyId = "alias/aws/s3", Plaintext = KmsApiClient.Base64("x") })).ErrorType);
        Assert.Equal("NotAuthorizedException", (await _kms.SendAsync("DeleteAlias", new { AliasName = "alias/aws/s3" })).ErrorType);
    }

    public static TheoryData<string, string?, string, string> HostileBodies => new()
    {
        { "not JSON", "TrentService.DescribeKey", "{\"KeyId\":", "SerializationException" },
        { "an array", "TrentService.DescribeKey", "[1,2,3]", "SerializationException" },
        { "nested too deep", "TrentService.Encrypt", new string('[', 200) + new string(']', 200), "SerializationException" },
        { "nested object too deep", "TrentService.Encrypt", "{\"EncryptionContext\":" + string.Concat(Enumerable.Repeat("{\"a\":", 50)) + "1" + new string('}', 51), "SerializationException" },
        { "a number for a string", "TrentService.DescribeKey", "{\"KeyId\":5}", "SerializationException" },
        { "a context of numbers", "TrentService.Encrypt", "{\"KeyId\":\"alias/x\",\"Plaintext\":\"eA==\",\"EncryptionContext\":{\"a\":1}}", "SerializationException" },
        { "bad base64", "TrentService.Encrypt", "{\"KeyId\":\"alias/x\",\"Plaintext\":\"!!!\"}", "SerializationException" },
        { "a missing member", "TrentService.DescribeKey", "{}", "ValidationException" },
        { "an empty body", "TrentService.Encrypt", "", "ValidationException" },
        { "an unknown operation", "TrentService.PutKeyPolicyEverywhere", "{}", "UnknownOperationException" },
        { "another service's target", "DynamoDB_20120810.ListTables", "{}", "UnknownOperationException" },
        { "no target", null, "{}", "UnknownOperationException" },
        { "a foreign ciphertext", "TrentService.Decrypt", "{\"CiphertextBlob\":\"" + Convert.ToBase64String(new byte[100]) + "\"}", "InvalidCiphertextException" },
        { "a tiny ciphertext", "TrentService.Decrypt", "{\"CiphertextBlob\":\"AQ==\"}", "InvalidCiphertextException" },
        { "too much plaintext", "TrentService.Encrypt", "{\"KeyId\":\"alias/x\",\"Plaintext\":\"" + Convert.ToBase64String(new byte[4097]) + "\"}", "ValidationException" },
        { "too many data key bytes", "TrentService.GenerateDataKey", "{\"KeyId\":\"alias/x\",\"NumberOfBytes\":1025}", "ValidationException" },
        { "both key spec and bytes", "TrentService.GenerateDataKey", "{\"KeyId\":\"alias/x\",\"NumberOfBytes\":16,\"KeySpec\":\"AES_128\"}", "ValidationException" },
        { "a huge number", "TrentService.ListKeys", "{\"Limit\":1e400}", "SerializationException" },
        { "an invalid key id", "TrentService.DescribeKey", "{\"KeyId\":\"../../etc/passwd\"}", "NotFoundException" },
        { "an asymmetric key", "TrentService.CreateKey", "{\"KeySpec\":\"RSA_2048\"}", "UnsupportedOperationException" },
        { "a key policy", "TrentService.CreateKey", "{\"Policy\":\"{}\"}", "UnsupportedOperationException" },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task HostileBody_GetsACleanJsonError(string what, string? target, string body, string errorType)
    {
        var response = await _kms.SendRawAsync(target, Encoding.UTF8.GetBytes(body));

        Assert.True(response.ErrorType == errorType, $"{what}: expected {errorType}, got {response.Status} {response.Body}");
        Assert.Equal(400, response.Status);
        Assert.Equal(KmsApiClient.ContentType, response.ContentType);
        Assert.False(string.IsNullOrEmpty(response.RequestId));
    }

    [Fact]
    public async Task HostileRequests_OversizedUnsignedOrBadlySigned_GetCleanJsonErrors()
    {
        var large = await _kms.SendRawAsync("TrentService.Encrypt", new byte[65 * 1024]);
        var unsigned = await _kms.SendRawAsync("TrentService.ListKeys", "{}"u8.ToArray(), unsigned: true);
        var badSecret = await _kms.SendRawAsync("TrentService.ListKeys", "{}"u8.ToArray(), signer: new SigV4Signer(CofferServer.AccessKey, "wrong-secret-0000000000000000000000000000", "us-east-1", "kms"));
        var unknownKey = await _kms.SendRawAsync("TrentService.ListKeys", "{}"u8.ToArray(), signer: new SigV4Signer("AKIAUNKNOWNKEY000000", CofferServer.SecretKey, "us-east-1", "kms"));
        var wrongType = await _kms.SendRawAsync("TrentService.ListKeys", "{}"u8.ToArray(), contentType: "text/plain");

        Assert.Equal((413, "RequestEntityTooLargeException"), (large.Status, large.ErrorType));
        Assert.Equal((400, "MissingAuthenticationTokenException"), (unsigned.Status, unsigned.ErrorType));
        Assert.Equal((400, "InvalidSignatureException"), (badSecret.Status, badSecret.ErrorType));
        Assert.Equal((400, "UnrecognizedClientException"), (unknownKey.Status, unknownKey.ErrorType));
        Assert.Equal((400, "SerializationException"), (wrongType.Status, wrongType.ErrorType));
        Assert.All(new[] { large, unsigned, badSecret, unknownKey, wrongType }, r => Assert.False(string.IsNullOrEmpty(r.RequestId)));
        Assert.Equal(200, (await _kms.SendAsync("ListKeys", new { })).Status);
    }

    [Fact]
    public async Task TamperedCiphertext_IsInvalid_AndNamingAnotherKeyIsIncorrect()
    {
        var first = (await _kms.CallAsync("CreateKey", new { })).GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
        var second = (await _kms.CallAsync("CreateKey", new { })).GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
        var blob = Convert.FromBase64String((await _kms.CallAsync("Encrypt", new { KeyId = first, Plaintext = KmsApiClient.Base64("untouched") })).GetProperty("CiphertextBlob").GetString()!);
        var tampered = (byte[])blob.Clone();
        tampered[^1] ^= 1;

        var decrypted = await _kms.CallAsync("Decrypt", new { CiphertextBlob = Convert.ToBase64String(blob), KeyId = first });
        var altered = await _kms.SendAsync("Decrypt", new { CiphertextBlob = Convert.ToBase64String(tampered) });
        var incorrect = await _kms.SendAsync("Decrypt", new { CiphertextBlob = Convert.ToBase64String(blob), KeyId = second });

        Assert.Equal("untouched", Encoding.UTF8.GetString(Convert.FromBase64String(decrypted.GetProperty("Plaintext").GetString()!)));
        Assert.Equal("InvalidCiphertextException", altered.ErrorType);
        Assert.Equal("IncorrectKeyException", incorrect.ErrorType);
    }

    private async Task<CliCredentials> CreateUserAsync(string name, string policy)
    {
        using var iam = new QueryApiClient(fixture.Server.Endpoint, "iam");
        await iam.CallAsync("CreateUser", ("UserName", name));
        await iam.CallAsync("PutUserPolicy", ("UserName", name), ("PolicyName", "kms"), ("PolicyDocument", policy));
        var key = await iam.CallAsync("CreateAccessKey", ("UserName", name));
        return new CliCredentials(QueryApiClient.Value(key, "AccessKeyId"), QueryApiClient.Value(key, "SecretAccessKey"), null);
    }

    private async Task<string> EncryptToFileAsync(AwsCliKms cli, string keyId, string plaintextFile, string context, string name)
    {
        var result = await cli.CallAsync("encrypt", "--key-id", keyId, "--plaintext", "fileb://" + plaintextFile, "--encryption-context", context);
        Assert.Equal("SYMMETRIC_DEFAULT", result.GetProperty("EncryptionAlgorithm").GetString());
        return WriteBytes(name, Convert.FromBase64String(result.GetProperty("CiphertextBlob").GetString()!));
    }

    private static async Task<string> DecryptFileAsync(AwsCliKms cli, string ciphertextFile, string context)
    {
        var result = await cli.CallAsync("decrypt", "--ciphertext-blob", "fileb://" + ciphertextFile, "--encryption-context", context);
        return Encoding.UTF8.GetString(Convert.FromBase64String(result.GetProperty("Plaintext").GetString()!));
    }

    /// <summary>The key version a ciphertext blob names (bytes 17–20, big-endian).</summary>
    private static int KeyVersion(string ciphertextFile)
    {
        var blob = File.ReadAllBytes(ciphertextFile);
        return (blob[17] << 24) | (blob[18] << 16) | (blob[19] << 8) | blob[20];
    }

    private string WriteFile(string name, string text) => WriteBytes(name, Encoding.UTF8.GetBytes(text));

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_work, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
