namespace Coffer.Cli.Client;

/// <summary><c>coffer key list</c>: a user's or every user's access keys with status, age and last use.</summary>
internal static class KeyListCommand
{
    public const string Usage = """
        usage: coffer key list [--user NAME] [--json]

        Lists the access keys of user NAME, or of every user: status, creation time, age and last
        use (time and service, or never). A key whose deactivation is scheduled (coffer key rotate
        --grace) shows when it happens.

        example:
          coffer key list --user alice
        """;

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--user"], [], ListAsync);

    private static async Task<int> ListAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        KeyCommand.NoArguments(line);
        var keys = await UserAccessKey.ListAsync(client, line.Get("--user"), cancellationToken).ConfigureAwait(false);
        var now = client.Time.GetUtcNow();
        if (line.Json)
        {
            KeyCommand.WriteJson(keys.Select(k => k.ToJson(now)));
        }
        else if (keys.Count == 0)
        {
            Console.WriteLine(line.Get("--user") is { } user ? $"{user} has no access keys" : "no user has access keys");
        }
        else
        {
            Table.Write(
                Console.Out,
                ["USER", "ACCESS KEY ID", "STATUS", "CREATED", "AGE", "LAST USED"],
                keys.Select(k => new[] { k.User, k.AccessKeyId, k.StatusText(now), Timestamps.Iso(k.Created), Durations.Approximate(now - k.Created), k.LastUsedText }));
        }

        return 0;
    }
}
