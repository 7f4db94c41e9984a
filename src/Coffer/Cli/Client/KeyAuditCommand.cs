namespace Coffer.Cli.Client;

/// <summary><c>coffer key audit</c>: every user's keys that are too old or unused for too long, with the reason.</summary>
internal static class KeyAuditCommand
{
    public const string Usage = """
        usage: coffer key audit [--max-age 90d] [--unused 30d] [--json]

        Lists every user's access keys that are older than --max-age (default 90d) or have not been
        used for --unused (default 30d; a key never used counts from its creation), each with the
        reason. Exits 0 whatever it finds; rotate old keys (coffer key rotate) and delete unused
        ones (coffer key delete).

        example:
          coffer key audit --max-age 180d --unused 60d
        """;

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--max-age", "--unused"], [], AuditAsync);

    private static async Task<int> AuditAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        KeyCommand.NoArguments(line);
        var maxAge = Durations.Parse(line.Get("--max-age") ?? "90d", "--max-age");
        var unused = Durations.Parse(line.Get("--unused") ?? "30d", "--unused");
        var keys = await UserAccessKey.ListAsync(client, null, cancellationToken).ConfigureAwait(false);
        var now = client.Time.GetUtcNow();
        var findings = keys
            .Select(k => (Key: k, Reasons: Reasons(k, now, maxAge, unused)))
            .Where(f => f.Reasons.Count > 0)
            .ToList();
        if (line.Json)
        {
            KeyCommand.WriteJson(findings.Select(f =>
            {
                var json = f.Key.ToJson(now);
                json["reasons"] = f.Reasons;
                return json;
            }));
        }
        else if (findings.Count == 0)
        {
            Console.WriteLine($"no access key is older than {Durations.Format(maxAge)} or unused for {Durations.Format(unused)}");
        }
        else
        {
            Table.Write(
                Console.Out,
                ["USER", "ACCESS KEY ID", "STATUS", "AGE", "LAST USED", "REASON"],
                findings.Select(f => new[] { f.Key.User, f.Key.AccessKeyId, f.Key.StatusText(now), Durations.Approximate(now - f.Key.Created), f.Key.LastUsedText, string.Join("; ", f.Reasons) }));
        }

        return 0;
    }

    private static List<string> Reasons(UserAccessKey key, DateTimeOffset now, TimeSpan maxAge, TimeSpan unused)
    {
        var reasons = new List<string>();
        var age = now - key.Created;
        if (age > maxAge)
        {
            reasons.Add($"older than {Durations.Format(maxAge)}");
        }

        if (key.LastUsed is { } used && now - used > unused)
        {
            reasons.Add($"unused for {Durations.Approximate(now - used)}");
        }
        else if (key.LastUsed is null && age > unused)
        {
            reasons.Add($"never used (created {Durations.Approximate(age)} ago)");
        }

        return reasons;
    }
}
