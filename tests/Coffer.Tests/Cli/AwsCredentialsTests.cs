using Coffer.Cli.Client;

namespace Coffer.Tests.Cli;

public sealed class AwsCredentialsTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("coffer-credentials-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Resolve_EnvironmentKeys_WinOverTheProfile()
    {
        var credentials = AwsCredentials.Resolve(null, Environment(new()
        {
            ["AWS_ACCESS_KEY_ID"] = "ASIAENV",
            ["AWS_SECRET_ACCESS_KEY"] = "env-secret",
            ["AWS_SESSION_TOKEN"] = "env-token",
            ["AWS_SHARED_CREDENTIALS_FILE"] = WriteFile("[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n"),
        }));

        Assert.Equal(new AwsCredentials("ASIAENV", "env-secret", "env-token"), credentials);
    }

    [Fact]
    public void Resolve_ProfileOption_WinsOverEnvironmentKeys()
    {
        var credentials = AwsCredentials.Resolve("work", Environment(new()
        {
            ["AWS_ACCESS_KEY_ID"] = "AKIAENV",
            ["AWS_SECRET_ACCESS_KEY"] = "env-secret",
            ["AWS_SHARED_CREDENTIALS_FILE"] = WriteFile("[work]\naws_access_key_id=AKIAWORK\naws_secret_access_key=work-secret\n"),
        }));

        Assert.Equal(new AwsCredentials("AKIAWORK", "work-secret", null), credentials);
    }

    [Fact]
    public void Resolve_AwsProfile_PicksItsSectionWithCommentsAndSpacesIgnored()
    {
        var file = WriteFile("""
            # comment
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = default-secret

            [ temp ]
            ; a session
            AWS_ACCESS_KEY_ID = ASIATEMP
            aws_secret_access_key = a=b/c+d
            aws_session_token = token==
            """);

        var temp = AwsCredentials.Resolve(null, Environment(new() { ["AWS_PROFILE"] = "temp", ["AWS_SHARED_CREDENTIALS_FILE"] = file }));
        var fallback = AwsCredentials.Resolve(null, Environment(new() { ["AWS_SHARED_CREDENTIALS_FILE"] = file }));

        Assert.Equal(new AwsCredentials("ASIATEMP", "a=b/c+d", "token=="), temp);
        Assert.Equal(new AwsCredentials("AKIADEFAULT", "default-secret", null), fallback);
    }

    [Fact]
    public void Resolve_HomeDirectoryFile_IsTheDefault()
    {
        Directory.CreateDirectory(Path.Combine(_directory.FullName, ".aws"));
        File.WriteAllText(Path.Combine(_directory.FullName, ".aws", "credentials"), "[default]\naws_access_key_id = AKIAHOME\naws_secret_access_key = home-secret\n");

        var credentials = AwsCredentials.Resolve(null, Environment(new() { ["HOME"] = _directory.FullName }));

        Assert.Equal("AKIAHOME", credentials.AccessKeyId);
    }

    [Theory]
    [InlineData("[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\n")]
    [InlineData("[default]\naws_access_key_id = AKIAONLYID\n")]
    public void Resolve_ProfileMissingOrIncomplete_FailsNamingTheProfileWithoutSecrets(string content)
    {
        var file = WriteFile(content);

        var error = Assert.Throws<CofferApiException>(() => AwsCredentials.Resolve(null, Environment(new() { ["AWS_SHARED_CREDENTIALS_FILE"] = file })));

        Assert.Equal("NoCredentials", error.Code);
        Assert.Contains("[default]", error.Message, StringComparison.Ordinal);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_NoKeysAndNoFile_FailsSayingWhatToSet()
    {
        var error = Assert.Throws<CofferApiException>(() => AwsCredentials.Resolve(null, Environment(new()
        {
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(_directory.FullName, "missing"),
        })));

        Assert.Contains("AWS_ACCESS_KEY_ID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_LeavesOutTheSecretAndToken()
    {
        var text = new AwsCredentials("ASIAKEY", "the-secret", "the-token").ToString();

        Assert.Contains("ASIAKEY", text, StringComparison.Ordinal);
        Assert.DoesNotContain("the-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("the-token", text, StringComparison.Ordinal);
    }

    private static Func<string, string?> Environment(Dictionary<string, string> variables) => name => variables.GetValueOrDefault(name);

    private string WriteFile(string content)
    {
        var path = Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, content);
        return path;
    }
}
