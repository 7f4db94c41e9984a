using System.Text.Json;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary><c>aws kms …</c> run as a process with one set of credentials and nothing of this machine's AWS set-up.</summary>
public sealed class AwsCliKms(string aws, Uri endpoint, CliCredentials credentials, string workDirectory)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>Runs a kms sub-command; its JSON output, after asserting it succeeded.</summary>
    public async Task<JsonElement> CallAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"aws kms {string.Join(' ', args)}\n{result}");
        using var json = JsonDocument.Parse(result.StandardOutput.Trim() is { Length: > 0 } output ? output : "{}");
        return json.RootElement.Clone();
    }

    /// <summary>Runs a kms sub-command that must fail with <paramref name="errorType"/>; the error line.</summary>
    public async Task<string> FailsAsync(string errorType, params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode != 0, $"aws kms {string.Join(' ', args)} should have failed with {errorType}\n{result}");
        Assert.True(result.StandardError.Contains($"({errorType})", StringComparison.Ordinal), $"aws kms {string.Join(' ', args)}: expected {errorType}\n{result}");
        return result.StandardError.Trim();
    }

    public Task<ExternalProcess.Result> RunAsync(params string[] args) =>
        ExternalProcess.RunAsync(aws, ["--endpoint-url", endpoint.ToString(), "--output", "json", "kms", .. args], AwsCliEnvironment.For(credentials, workDirectory), Timeout);
}
