using Coffer.Cli.Client;

namespace Coffer.Cli;

/// <summary><c>coffer kms</c>: KMS administration that has no AWS API, run on the server's machine.</summary>
internal static class KmsCommand
{
    public const string Usage = """
        usage: coffer kms <sub-command> [options]

        Keys themselves are managed with the KMS API (aws kms create-key, …; see the README).

        sub-commands:
          rotate-master   re-seal every KMS key and access-key secret under a new master key
                          (run it while the server is stopped)

        `coffer kms rotate-master --help` describes it, with an example.
        """;

    public static Task<int> RunAsync(string[] args) =>
        CommandGroup.RunAsync(args, Usage, new Dictionary<string, Func<string[], Task<int>>>(StringComparer.Ordinal)
        {
            ["rotate-master"] = RotateMasterCommand.RunAsync,
        });
}
