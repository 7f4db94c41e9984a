using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// <c>coffer kms rotate-master</c> on a stopped server's data, in both key modes, and starts
/// with the wrong master key: refused at once with one line, nothing on disk changed.
/// </summary>
public sealed class KmsMasterKeyTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("coffer-master-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task RotateMaster_WithAKeyFile_ReplacesIt_AndOldAccessKeysAndCiphertextsStillWork()
    {
        var keyFile = Path.Combine(_data, "master.key");
        var (user, ciphertext) = await SeedAsync(environment: null);
        var oldKey = await File.ReadAllTextAsync(keyFile);

        var rotated = await CofferAsync(null, "kms", "rotate-master", "--data", _data);

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        // Besides the test's key, the server's own SSE key and audit signing key once it delivered its trail.
        Assert.Matches(@"Re-sealed [12] KMS key versions, 2 access-key secrets and [01] audit signing keys under the new master key", rotated.StandardOutput);
        Assert.Contains($"Installed the new master key in {keyFile}", rotated.StandardOutput, StringComparison.Ordinal);
        Assert.NotEqual(oldKey, await File.ReadAllTextAsync(keyFile));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(keyFile) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.False(File.Exists(keyFile + ".new"));
        await AssertStillWorksAsync(null, user, ciphertext);

        // The old key, put back, no longer opens the data: the start is refused and changes nothing.
        var newKey = await File.ReadAllTextAsync(keyFile);
        await File.WriteAllTextAsync(keyFile, oldKey);
        await AssertRefusedAsync(null, keyFile);
        Assert.Equal(oldKey, await File.ReadAllTextAsync(keyFile));
        await File.WriteAllTextAsync(keyFile, newKey);
        await AssertStillWorksAsync(null, user, ciphertext);
    }

    [Fact]
    public async Task RotateMaster_WithTheKeyInTheEnvironment_NeedsTheNewKey_ThenOnlyItStarts()
    {
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var (user, ciphertext) = await SeedAsync(MasterKey(oldKey));

        var withoutNewKey = await CofferAsync(MasterKey(oldKey), "kms", "rotate-master", "--data", _data);
        var withWrongCurrent = await CofferAsync(new() { ["COFFER_MASTER_KEY"] = newKey, ["COFFER_NEW_MASTER_KEY"] = oldKey }, "kms", "rotate-master", "--data", _data);
        var rotated = await CofferAsync(new() { ["COFFER_MASTER_KEY"] = oldKey, ["COFFER_NEW_MASTER_KEY"] = newKey }, "kms", "rotate-master", "--data", _data);

        Assert.True(withoutNewKey.ExitCode != 0, withoutNewKey.ToString());
        Assert.Contains("COFFER_NEW_MASTER_KEY", withoutNewKey.StandardError, StringComparison.Ordinal);
        Assert.True(withWrongCurrent.ExitCode == 1, withWrongCurrent.ToString());
        Assert.Contains("does not open", withWrongCurrent.StandardError, StringComparison.Ordinal);
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.Contains("Set COFFER_MASTER_KEY to the new key", rotated.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(newKey, rotated.StandardOutput + rotated.StandardError, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_data, "master.key")));
        await AssertRefusedAsync(MasterKey(oldKey), null);
        await AssertStillWorksAsync(MasterKey(newKey), user, ciphertext);
    }

    [Fact]
    public async Task Start_WithAnotherKeyFile_IsRefusedWithOneLine_AndTheDataIsUntouched()
    {
        var keyFile = Path.Combine(_data, "master.key");
        var (user, ciphertext) = await SeedAsync(environment: null);
        var rightKey = await File.ReadAllTextAsync(keyFile);
        await File.WriteAllTextAsync(keyFile, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

        await AssertRefusedAsync(null, keyFile);

        File.Delete(keyFile);
        await AssertRefusedAsync(null, keyFile);
        Assert.False(File.Exists(keyFile), "a refused start must not leave a key file it made");
        await File.WriteAllTextAsync(keyFile, rightKey);
        await AssertStillWorksAsync(null, user, ciphertext);
    }

    [Fact]
    public async Task RotateMaster_WhileTheServerRuns_IsRefused()
    {
        await using var server = await CofferServer.StartAsync(_data);

        var refused = await CofferAsync(null, "kms", "rotate-master", "--data", _data);

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("stop the server first", refused.StandardError, StringComparison.Ordinal);
        using var kms = new KmsApiClient(server.Endpoint);
        Assert.Equal(200, (await kms.SendAsync("ListKeys", new { })).Status);
    }

    /// <summary>A server's data with an IAM user and its key, and a KMS ciphertext; the server stopped again.</summary>
    private async Task<(CliCredentials User, string Ciphertext)> SeedAsync(Dictionary<string, string>? environment)
    {
        await using var server = await CofferServer.StartAsync(_data, environment: environment);
        using var iam = new QueryApiClient(server.Endpoint, "iam");
        await iam.CallAsync("CreateUser", ("UserName", "survivor"));
        await iam.CallAsync("PutUserPolicy", ("UserName", "survivor"), ("PolicyName", "kms"), ("PolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}]}"""));
        var created = await iam.CallAsync("CreateAccessKey", ("UserName", "survivor"));
        using var kms = new KmsApiClient(server.Endpoint);
        var keyId = (await kms.CallAsync("CreateKey", new { Description = "survives master-key rotation" })).GetProperty("KeyMetadata").GetProperty("KeyId").GetString();
        var ciphertext = (await kms.CallAsync("Encrypt", new { KeyId = keyId, Plaintext = KmsApiClient.Base64("sealed before"), EncryptionContext = new { purpose = "rotation" } })).GetProperty("CiphertextBlob").GetString()!;
        Assert.Equal(0, await server.StopAsync(TimeSpan.FromSeconds(30)));
        return (new CliCredentials(QueryApiClient.Value(created, "AccessKeyId"), QueryApiClient.Value(created, "SecretAccessKey"), null), ciphertext);
    }

    /// <summary>The server starts on the data; the user's key still signs, and the ciphertext still decrypts.</summary>
    private async Task AssertStillWorksAsync(Dictionary<string, string>? environment, CliCredentials user, string ciphertext)
    {
        await using var server = await CofferServer.StartAsync(_data, environment: environment);
        using var asUser = new KmsApiClient(server.Endpoint, user.Id, user.Secret);
        var decrypted = await asUser.CallAsync("Decrypt", new { CiphertextBlob = ciphertext, EncryptionContext = new { purpose = "rotation" } });
        Assert.Equal("sealed before", Encoding.UTF8.GetString(Convert.FromBase64String(decrypted.GetProperty("Plaintext").GetString()!)));
        using var kms = new KmsApiClient(server.Endpoint);
        Assert.Equal(200, (await kms.SendAsync("ListKeys", new { })).Status);
        Assert.Equal(0, await server.StopAsync(TimeSpan.FromSeconds(30)));
    }

    private Task AssertRefusedAsync(Dictionary<string, string>? environment, string? keyFile) =>
        OfflineCoffer.AssertStartRefusedAsync(_data, environment, keyFile ?? "COFFER_MASTER_KEY");

    private static Dictionary<string, string> MasterKey(string base64) => new() { ["COFFER_MASTER_KEY"] = base64 };

    private static Task<ExternalProcess.Result> CofferAsync(Dictionary<string, string>? environment, params string[] args) =>
        OfflineCoffer.RunAsync(environment, args);
}
