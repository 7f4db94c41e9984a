namespace Coffer.Cli.Client;

/// <summary><c>coffer key create</c>: a new access key for a user, written to a credentials CSV or shown once.</summary>
internal static class KeyCreateCommand
{
    public const string Usage = """
        usage: coffer key create --user NAME [--csv FILE [--force]] [--json]

        Creates an access key for user NAME. With --csv the key is written to FILE as the AWS
        console's credentials CSV (Access key ID, Secret access key, User Name, Endpoint),
        readable by you only; an existing FILE is replaced only with --force, and when FILE cannot
        be written the new key is deleted again. Without --csv the secret is printed: it cannot be
        shown again. IAM allows two keys per user (see coffer key rotate).

        example:
          coffer key create --user alice --csv alice.csv
        """;

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--user", "--csv"], ["--force"], CreateAsync);

    private static async Task<int> CreateAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        KeyCommand.NoArguments(line);
        var user = line.Required("--user");
        var (csv, force) = NewAccessKey.CsvOptions(line);
        var key = await NewAccessKey.CreateAsync(client, user, csv, force, cancellationToken).ConfigureAwait(false);
        if (line.Json)
        {
            KeyCommand.WriteJson(key.ToJson());
        }
        else
        {
            key.Print();
        }

        return 0;
    }
}
