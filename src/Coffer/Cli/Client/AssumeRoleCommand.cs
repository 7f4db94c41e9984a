using System.Text.Json;

namespace Coffer.Cli.Client;

/// <summary><c>coffer assume-role</c>: temporary credentials of a role, as shell exports or JSON.</summary>
internal static class AssumeRoleCommand
{
    public const string Usage = """
        usage: coffer assume-role ROLE [--duration 1h] [--session-name NAME] [--json]

        Assumes ROLE (a role name of your account, or its ARN) with STS AssumeRole and prints the
        temporary credentials as shell exports, or with --json as the credential_process JSON
        (Version, AccessKeyId, SecretAccessKey, SessionToken, Expiration). --duration is 15m to
        the role's maximum session duration (default 1h).

        example:
          eval "$(coffer assume-role Uploader --duration 30m)"
          aws --endpoint-url "$COFFER_ENDPOINT" s3 cp report.pdf s3://photos/incoming/
        """;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--duration", "--session-name"], [], AssumeAsync);

    private static async Task<int> AssumeAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        if (line.Positionals.Count != 1)
        {
            throw new UsageException(line.Positionals.Count == 0 ? "ROLE is required" : $"unexpected argument {line.Positionals[1]}");
        }

        var duration = line.Get("--duration") is { } text ? Durations.Parse(text, "--duration") : (TimeSpan?)null;
        var session = await RoleSession.AssumeAsync(client, line.Positionals[0], duration, line.Get("--session-name"), cancellationToken).ConfigureAwait(false);
        var expiration = Timestamps.Iso(session.Expiration);
        if (line.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(
                new
                {
                    Version = 1,
                    session.Credentials.AccessKeyId,
                    session.Credentials.SecretAccessKey,
                    session.Credentials.SessionToken,
                    Expiration = expiration,
                },
                JsonOptions));
            return 0;
        }

        Console.WriteLine($"export AWS_ACCESS_KEY_ID={ShellQuote(session.Credentials.AccessKeyId)}");
        Console.WriteLine($"export AWS_SECRET_ACCESS_KEY={ShellQuote(session.Credentials.SecretAccessKey)}");
        Console.WriteLine($"export AWS_SESSION_TOKEN={ShellQuote(session.Credentials.SessionToken!)}");
        Console.WriteLine($"# {session.RoleArn} until {expiration}");
        return 0;
    }

    /// <summary>Single quotes unless the value is plainly safe, so that <c>eval</c> takes it verbatim.</summary>
    private static string ShellQuote(string value) =>
        value.All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '-' or '_' or '.' or ':')
            ? value
            : "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
