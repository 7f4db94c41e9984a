using System.Text.Json;

namespace Coffer.Cli.Client;

/// <summary><c>coffer key</c>: IAM users' access keys, from creation through rotation to audit.</summary>
internal static class KeyCommand
{
    public const string Usage = """
        usage: coffer key <sub-command> [options]

        Manages IAM users' access keys (as root, or as a user whose policies allow the IAM key
        actions).

        sub-commands:
          create       a new key for a user, printed once or written to a credentials CSV
          list         keys with their status, age and last use
          deactivate   stop a key from working (activate makes it work again)
          activate
          delete       delete a key for good
          rotate       replace a user's key: a new key now, the old one deactivated now or after --grace
          audit        keys older than --max-age (90d) or unused for --unused (30d)

        `coffer key <sub-command> --help` describes each, with an example.

        example:
          coffer key rotate --user backup --csv backup.csv --grace 24h
        """;

    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Task<int> RunAsync(string[] args) =>
        CommandGroup.RunAsync(args, Usage, new Dictionary<string, Func<string[], Task<int>>>(StringComparer.Ordinal)
        {
            ["create"] = KeyCreateCommand.RunAsync,
            ["list"] = KeyListCommand.RunAsync,
            ["deactivate"] = KeyStatusCommand.DeactivateAsync,
            ["activate"] = KeyStatusCommand.ActivateAsync,
            ["delete"] = KeyStatusCommand.DeleteAsync,
            ["rotate"] = KeyRotateCommand.RunAsync,
            ["audit"] = KeyAuditCommand.RunAsync,
        });

    public static void NoArguments(CommandLine line)
    {
        if (line.Positionals.Count > 0)
        {
            throw new UsageException($"unexpected argument {line.Positionals[0]}");
        }
    }

    public static void WriteJson(object value) => Console.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
}
