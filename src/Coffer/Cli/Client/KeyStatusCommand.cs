namespace Coffer.Cli.Client;

/// <summary><c>coffer key deactivate|activate|delete KEYID</c>, finding the key's user when --user is not given.</summary>
internal static class KeyStatusCommand
{
    public const string DeactivateUsage = """
        usage: coffer key deactivate KEYID [--user NAME] [--json]

        Deactivates access key KEYID: requests signed with it are refused until it is activated
        again. Any deactivation scheduled for it (coffer key rotate --grace) is replaced by this
        one. Without --user the key's user is looked up.

        example:
          coffer key deactivate AKIAIOSFODNN7EXAMPLE
        """;

    public const string ActivateUsage = """
        usage: coffer key activate KEYID [--user NAME] [--json]

        Activates access key KEYID again, and cancels any deactivation scheduled for it (coffer
        key rotate --grace). Without --user the key's user is looked up.

        example:
          coffer key activate AKIAIOSFODNN7EXAMPLE --user alice
        """;

    public const string DeleteUsage = """
        usage: coffer key delete KEYID [--user NAME] [--json]

        Deletes access key KEYID for good: it cannot be activated again. Without --user the key's
        user is looked up.

        example:
          coffer key delete AKIAIOSFODNN7EXAMPLE
        """;

    private enum Change
    {
        Deactivate,
        Activate,
        Delete,
    }

    public static Task<int> DeactivateAsync(string[] args) => RunAsync(args, DeactivateUsage, Change.Deactivate);

    public static Task<int> ActivateAsync(string[] args) => RunAsync(args, ActivateUsage, Change.Activate);

    public static Task<int> DeleteAsync(string[] args) => RunAsync(args, DeleteUsage, Change.Delete);

    private static Task<int> RunAsync(string[] args, string usage, Change change) =>
        ClientCommand.RunAsync(args, usage, ["--user"], [], (line, client, cancellationToken) => ApplyAsync(line, client, change, cancellationToken));

    private static async Task<int> ApplyAsync(CommandLine line, CofferClient client, Change change, CancellationToken cancellationToken)
    {
        if (line.Positionals.Count != 1)
        {
            throw new UsageException(line.Positionals.Count == 0 ? "KEYID is required" : $"unexpected argument {line.Positionals[1]}");
        }

        var keyId = line.Positionals[0];
        var user = line.Get("--user") ?? await UserAccessKey.OwnerAsync(client, keyId, cancellationToken).ConfigureAwait(false);
        if (change == Change.Delete)
        {
            await UserAccessKey.DeleteAsync(client, user, keyId, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await UserAccessKey.SetStatusAsync(client, user, keyId, change == Change.Activate, cancellationToken).ConfigureAwait(false);
        }

        var (status, done) = change switch
        {
            Change.Activate => ("Active", "activated"),
            Change.Deactivate => ("Inactive", "deactivated"),
            _ => ("Deleted", "deleted"),
        };
        if (line.Json)
        {
            KeyCommand.WriteJson(new Dictionary<string, object?> { ["user"] = user, ["accessKeyId"] = keyId, ["status"] = status });
        }
        else
        {
            Console.WriteLine($"{done} access key {keyId} of {user}");
        }

        return 0;
    }
}
