namespace Coffer.Cli.Client;

/// <summary><c>coffer user</c>: users with a space of their own.</summary>
internal static class UserCommand
{
    public const string Usage = """
        usage: coffer user create|delete|list|show ...

        Users with a private space: a folder NAME/ of a shared bucket, or a bucket of their own.
          create   the user, its policy, its bucket (--own-bucket) and an access key in a CSV file
          delete   the user, its keys and policies, and its files (unless --keep-files)
          list     users, their spaces, keys and last use
          show     one user in full

        `coffer user <command> --help` describes each, with an example.

        example:
          coffer user create --user alice --bucket team-share --csv alice.csv
        """;

    public static Task<int> RunAsync(string[] args) =>
        CommandGroup.RunAsync(args, Usage, new Dictionary<string, Func<string[], Task<int>>>(StringComparer.Ordinal)
        {
            ["create"] = UserCreateCommand.RunAsync,
            ["delete"] = UserDeleteCommand.RunAsync,
            ["list"] = UserListCommand.ListAsync,
            ["show"] = UserListCommand.ShowAsync,
        });
}
