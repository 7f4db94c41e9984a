using Coffer.Cli.Client;
using Coffer.Hosting;

namespace Coffer.Cli;

internal static class CofferCommand
{
    private const string Usage = """
        usage: coffer <command> [options]

        commands:
          serve      run the server
                       --data DIR              data directory (COFFER_DATA, default ./data)
                       --listen HOST:PORT      address to listen on (COFFER_LISTEN, default 127.0.0.1:9000; port 0 picks one)
                       --region NAME           region clients sign for (COFFER_REGION, default us-east-1)
                       --tls-cert FILE --tls-key FILE   serve HTTPS with a PEM certificate and key
                       --public-endpoint URL   the URL clients use when behind a proxy
                       --trusted-proxies IPS   proxies whose X-Forwarded-Host is believed
                       --domains D1,D2         extra domains for bucket.DOMAIN addressing
                       --audit-fail-open true  serve requests unrecorded when the audit journal fails (COFFER_AUDIT_FAIL_OPEN; default: 503)
                       --audit-sync-reads true  reads wait for their audit record's fsync too (COFFER_AUDIT_SYNC_READS)
                       --config FILE           a JSON configuration file (default ./coffer.json if present)
          user       users with a folder of a shared bucket or a bucket of their own: create|delete|list|show
          explain    why a user is allowed or denied an action (the server's policy simulator)
          assume-role
                     print shell exports (or --json) of a role's temporary credentials
          presign    print a pre-signed GET or PUT URL, optionally made with a role's credentials
          roles      role templates of a bucket (init), and who may assume them (grant, revoke, list)
          key        users' access keys: create, list, deactivate, activate, delete, rotate, audit
          kms        rotate-master: re-seal KMS keys and access-key secrets under a new master key
          audit      the audit trail: lookup (events of the last 90 days by user, key, operation, bucket, error, …), verify, public-key
          version    print the version

        `coffer user|roles|key|audit|kms|explain|assume-role|presign --help` describes the command, with an example.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "serve":
                return await ServeCommand.RunAsync(args[1..]);
            case "user":
                return await UserCommand.RunAsync(args[1..]);
            case "explain":
                return await ExplainCommand.RunAsync(args[1..]);
            case "assume-role":
                return await AssumeRoleCommand.RunAsync(args[1..]);
            case "presign":
                return await PresignCommand.RunAsync(args[1..]);
            case "roles":
                return await RolesCommand.RunAsync(args[1..]);
            case "key":
                return await KeyCommand.RunAsync(args[1..]);
            case "kms":
                return await KmsCommand.RunAsync(args[1..]);
            case "audit":
                return await AuditCommand.RunAsync(args[1..]);
            case "version" or "--version":
                Console.WriteLine(typeof(CofferCommand).Assembly.GetName().Version);
                return 0;
            case "help" or "--help" or "-h":
                Console.WriteLine(Usage);
                return 0;
            default:
                await Console.Error.WriteLineAsync(Usage);
                return 2;
        }
    }
}
