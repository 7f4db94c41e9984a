namespace Coffer.Cli.Client;

/// <summary><c>coffer audit</c>: the audit trail, read through the server's CloudTrail API.</summary>
internal static class AuditCommand
{
    public const string Usage = """
        usage: coffer audit <sub-command> [options]

        The audit trail: one record per request, in CloudTrail's format.

        sub-commands:
          lookup       events of the last 90 days matching filters, newest first

        `coffer audit <sub-command> --help` describes each, with an example.

        example:
          coffer audit lookup --user alice --from 24h
        """;

    public static Task<int> RunAsync(string[] args) =>
        CommandGroup.RunAsync(args, Usage, new Dictionary<string, Func<string[], Task<int>>>(StringComparer.Ordinal)
        {
            ["lookup"] = AuditLookupCommand.RunAsync,
        });
}
