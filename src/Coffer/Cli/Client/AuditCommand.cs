namespace Coffer.Cli.Client;

/// <summary><c>coffer audit</c>: the audit trail: looking up events, and verifying what was delivered.</summary>
internal static class AuditCommand
{
    public const string DefaultBucket = "coffer-audit-logs";

    public const string Usage = """
        usage: coffer audit <sub-command> [options]

        The audit trail: one record per request, in CloudTrail's format. lookup reads the last 90
        days through the server's CloudTrail API; public-key and verify read the trail the server
        delivers to its log bucket (COFFER_AUDIT_BUCKET, default coffer-audit-logs) through the S3
        API, as root or a user whose policy allows s3:GetObject and s3:ListBucket on it.

        sub-commands:
          lookup       events of the last 90 days matching filters, newest first
          public-key   print the PEM public keys digests are signed with
          verify       check every log file and digest: names each altered, deleted or inserted
                       file and record, and each forged or missing digest; exit 1 on any

        `coffer audit <sub-command> --help` describes each, with an example.

        example:
          coffer audit lookup --user alice --from 24h
          coffer audit public-key > audit-key.pem
          coffer audit verify --public-key audit-key.pem --from 2026-03-01T00:00:00Z
        """;

    public static Task<int> RunAsync(string[] args) =>
        CommandGroup.RunAsync(args, Usage, new Dictionary<string, Func<string[], Task<int>>>(StringComparer.Ordinal)
        {
            ["lookup"] = AuditLookupCommand.RunAsync,
            ["public-key"] = AuditPublicKeyCommand.RunAsync,
            ["verify"] = AuditVerifyCommand.RunAsync,
        });
}
