namespace Coffer.IntegrationTests;

/// <summary>
/// Runs the <c>coffer</c> executable as a process against a server, with the given credentials
/// and nothing inherited from this machine's AWS set-up.
/// </summary>
public sealed class CofferCli(CofferServer server)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static CliCredentials Root => new(CofferServer.AccessKey, CofferServer.SecretKey, null);

    public Uri Endpoint => server.Endpoint;

    /// <summary>Runs <c>coffer ARGS</c> signed with <paramref name="credentials"/>.</summary>
    public Task<ExternalProcess.Result> RunAsync(CliCredentials credentials, params string[] args) =>
        RunWithAsync(Environment(credentials), null, args);

    /// <summary>Runs <c>coffer ARGS</c> with <paramref name="standardInput"/> as its input (answers to prompts).</summary>
    public Task<ExternalProcess.Result> RunWithInputAsync(CliCredentials credentials, string standardInput, params string[] args) =>
        RunWithAsync(Environment(credentials), standardInput, args);

    /// <summary>Runs <c>coffer ARGS</c> with these variables on top of a clean AWS environment.</summary>
    public async Task<ExternalProcess.Result> RunWithAsync(IReadOnlyDictionary<string, string?> environment, string? standardInput, params string[] args)
    {
        var full = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = null,
            ["AWS_SECRET_ACCESS_KEY"] = null,
            ["AWS_SESSION_TOKEN"] = null,
            ["AWS_PROFILE"] = null,
            ["AWS_REGION"] = null,
            ["AWS_DEFAULT_REGION"] = null,
            ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(server.DataDirectory, "no-such-credentials"),
            ["COFFER_ENDPOINT"] = server.Endpoint.ToString(),
        };
        foreach (var (name, value) in environment)
        {
            full[name] = value;
        }

        return await ExternalProcess.RunAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "coffer.dll"), .. args], full, Timeout, standardInput);
    }

    public static Dictionary<string, string?> Environment(CliCredentials credentials) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = credentials.Id,
        ["AWS_SECRET_ACCESS_KEY"] = credentials.Secret,
        ["AWS_SESSION_TOKEN"] = credentials.Token,
    };
}

/// <summary>An access key as the CLI tests pass it around; the token is set for temporary credentials.</summary>
public sealed record CliCredentials(string Id, string Secret, string? Token);
