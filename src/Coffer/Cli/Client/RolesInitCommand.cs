using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coffer.Protocol.S3;

namespace Coffer.Cli.Client;

/// <summary>
/// <c>coffer roles init</c>: the Uploader, Viewer and Admin roles of a bucket, all or nothing.
/// </summary>
internal static partial class RolesInitCommand
{
    public const string Usage = """
        usage: coffer roles init --bucket BUCKET [--prefix PREFIX] [--max-session 1h] [--json]

        Creates three roles for BUCKET under the path /coffer/, each with one inline policy
        (coffer-template) and tagged coffer:template and coffer:bucket:
          PREFIXUploader  put objects and run multipart uploads; no get, list or delete
          PREFIXViewer    get objects and list the bucket
          PREFIXAdmin     every S3 action on the bucket and its objects
        Their trust policy names the account (arn:aws:iam::ACCOUNT:root): whoever the account's
        own policies allow sts:AssumeRole on a role may assume it, which `coffer roles grant`
        arranges for a user or group (and names granted users in the trust policy).
        --max-session is the longest session of the roles (1h to 12h, default 1h).

        Nothing is created if one of the three exists already; if a step fails, what was created
        is deleted again.

        example:
          coffer roles init --bucket photos --prefix Photos
          coffer roles grant PhotosUploader --user alice
        """;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--bucket", "--prefix", "--max-session"], [], InitAsync);

    private static async Task<int> InitAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        if (line.Positionals.Count > 0)
        {
            throw new UsageException($"unexpected argument {line.Positionals[0]}");
        }

        var bucket = line.Required("--bucket");
        if (!BucketNames.IsValid(bucket))
        {
            throw new UsageException($"--bucket {bucket}: not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)");
        }

        var prefix = line.Get("--prefix") ?? string.Empty;
        if (!PrefixPattern().IsMatch(prefix))
        {
            throw new UsageException($"--prefix {prefix}: at most 56 letters, digits and +=,.@_- (the roles are named PREFIXUploader, PREFIXViewer and PREFIXAdmin)");
        }

        var maxSession = line.Get("--max-session") is { } text ? Durations.Parse(text, "--max-session") : TimeSpan.FromHours(1);
        if (maxSession < TimeSpan.FromHours(1) || maxSession > TimeSpan.FromHours(12))
        {
            throw new UsageException($"--max-session {Durations.Format(maxSession)}: IAM allows 1h to 12h");
        }

        foreach (var template in RoleTemplate.All)
        {
            if (await RoleInfo.FindAsync(client, prefix + template.Suffix, cancellationToken).ConfigureAwait(false) is { } existing)
            {
                throw new CofferApiException("EntityAlreadyExists", $"role {existing.Name} exists already ({existing.Arn}); nothing was changed (choose another --prefix, or delete that role)", 409);
            }
        }

        var account = await client.AccountIdAsync(cancellationToken).ConfigureAwait(false);
        var trust = TrustPolicyDocument.ForAccount(account);
        var steps = RoleTemplate.All.SelectMany(t => Steps(t, prefix + t.Suffix, bucket, trust, maxSession)).ToList();
        var done = 0;
        try
        {
            for (; done < steps.Count; done++)
            {
                await client.QueryAsync("iam", steps[done].Action, steps[done].Parameters, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is CofferApiException or HttpRequestException or OperationCanceledException)
        {
            await RollBackAsync(client, steps, done).ConfigureAwait(false);
            throw;
        }

        var roles = RoleTemplate.All.Select(t => new
        {
            name = prefix + t.Suffix,
            arn = $"arn:aws:iam::{account}:role{RoleTemplate.Path}{prefix}{t.Suffix}",
            kind = t.Kind,
            may = t.Summary,
        }).ToList();
        if (line.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new { bucket, roles }, JsonOptions));
            return 0;
        }

        Console.WriteLine($"created the role templates of bucket {bucket}:");
        Table.Write(Console.Out, ["ROLE", "MAY", "ARN"], roles.Select(r => new[] { r.name, r.may, r.arn }));
        Console.WriteLine($"their trust policy names account {account}; let a user or group assume one with");
        Console.WriteLine($"  coffer roles grant {roles[0].name} --user NAME");
        return 0;
    }

    /// <summary>Creating one role: the role (tagged, with the trust policy), then its permissions.</summary>
    private static IEnumerable<Step> Steps(RoleTemplate template, string name, string bucket, string trust, TimeSpan maxSession)
    {
        KeyValuePair<string, string> role = new("RoleName", name);
        KeyValuePair<string, string> policy = new("PolicyName", RoleTemplate.PolicyName);
        yield return new Step(
            $"create role {name}",
            "CreateRole",
            [
                role,
                new("Path", RoleTemplate.Path),
                new("AssumeRolePolicyDocument", trust),
                new("Description", $"Coffer role template for bucket {bucket}: {template.Summary}"),
                new("MaxSessionDuration", ((long)maxSession.TotalSeconds).ToString(CultureInfo.InvariantCulture)),
                new("Tags.member.1.Key", RoleTemplate.KindTag),
                new("Tags.member.1.Value", template.Kind),
                new("Tags.member.2.Key", RoleTemplate.BucketTag),
                new("Tags.member.2.Value", bucket),
            ],
            $"deleted role {name}",
            "DeleteRole",
            [role]);
        yield return new Step(
            $"put inline policy {RoleTemplate.PolicyName} on role {name}",
            "PutRolePolicy",
            [role, policy, new("PolicyDocument", template.PolicyDocument(bucket))],
            $"deleted inline policy {RoleTemplate.PolicyName} of role {name}",
            "DeleteRolePolicy",
            [role, policy]);
    }

    /// <summary>Undoes the first <paramref name="done"/> steps, last first, and says which step failed and what is left.</summary>
    private static async Task RollBackAsync(CofferClient client, List<Step> steps, int done)
    {
        var undone = new List<string>();
        var left = new List<string>();
        for (var i = done - 1; i >= 0; i--)
        {
            try
            {
                // Not cancellable: an interrupted init must still be undone.
                await client.QueryAsync("iam", steps[i].UndoAction, steps[i].UndoParameters, CancellationToken.None).ConfigureAwait(false);
                undone.Add(steps[i].Undone);
            }
            catch (Exception e) when (e is CofferApiException or HttpRequestException)
            {
                left.Add($"{steps[i].Description} ({e.Message})");
            }
        }

        var report = $"roles init failed at step {done + 1} of {steps.Count}, {steps[done].Description}; "
            + (done == 0 ? "nothing had been created" : "undone: " + string.Join(", ", undone))
            + (left.Count == 0 ? string.Empty : "; could not undo, remove by hand: " + string.Join(", ", left));
        await Console.Error.WriteLineAsync(report).ConfigureAwait(false);
    }

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{0,56}\z")]
    private static partial Regex PrefixPattern();

    /// <summary>One IAM call of init and the call that takes it back.</summary>
    private sealed record Step(
        string Description,
        string Action,
        KeyValuePair<string, string>[] Parameters,
        string Undone,
        string UndoAction,
        KeyValuePair<string, string>[] UndoParameters);
}
