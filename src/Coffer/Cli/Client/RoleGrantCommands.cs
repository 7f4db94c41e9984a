using System.Text.Json;

namespace Coffer.Cli.Client;

/// <summary>
/// <c>coffer roles grant|revoke</c>: who may assume a role. Both sides must agree: the user or
/// group gets an inline policy allowing sts:AssumeRole on the role, and a user is named in the
/// role's trust policy (groups cannot be named there; the account's entry admits their members).
/// </summary>
internal static class RoleGrantCommands
{
    public const string GrantUsage = """
        usage: coffer roles grant ROLE --user NAME | --group NAME [--json]

        Lets user NAME, or every member of group NAME, assume ROLE: puts the inline policy
        coffer-assume-ROLE (sts:AssumeRole and iam:GetRole on the role) on the user or group, and
        names a user in ROLE's trust policy, keeping every other principal. Granting again changes
        nothing; if the policy cannot be put, the trust policy is restored.

        examples:
          coffer roles grant PhotosUploader --user alice
          coffer roles grant PhotosViewer --group family
        """;

    public const string RevokeUsage = """
        usage: coffer roles revoke ROLE --user NAME | --group NAME [--json]

        Takes back a grant: deletes the inline policy coffer-assume-ROLE of the user or group, and
        removes a user from ROLE's trust policy. Sessions already issued last until they expire.
        Revoking what was not granted changes nothing.

        example:
          coffer roles revoke PhotosUploader --user alice
        """;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Task<int> RunGrantAsync(string[] args) =>
        ClientCommand.RunAsync(args, GrantUsage, ["--user", "--group"], [], GrantAsync);

    public static Task<int> RunRevokeAsync(string[] args) =>
        ClientCommand.RunAsync(args, RevokeUsage, ["--user", "--group"], [], RevokeAsync);

    private static async Task<int> GrantAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        var (role, grantee) = await ArgumentsAsync(line, client, cancellationToken).ConfigureAwait(false);
        var changes = new List<string>();
        string? trustBefore = null;
        if (grantee.IsUser)
        {
            var user = await client.QueryAsync("iam", "GetUser", [grantee.Parameter], cancellationToken).ConfigureAwait(false);
            var userArn = user.Child("User").Required("Arn");
            if (TrustPolicyDocument.WithUser(role.TrustPolicy, userArn) is { } trust)
            {
                await role.UpdateTrustPolicyAsync(client, trust, cancellationToken).ConfigureAwait(false);
                trustBefore = role.TrustPolicy;
                changes.Add($"named {userArn} in {role.Name}'s trust policy");
            }
        }

        var policyName = Grantee.PolicyName(role.Name);
        var policy = Grantee.AssumePolicy(role.Arn);
        try
        {
            if (await grantee.InlinePolicyAsync(client, policyName, cancellationToken).ConfigureAwait(false) != policy)
            {
                await client.QueryAsync("iam", $"Put{grantee.Kind}Policy", [grantee.Parameter, new("PolicyName", policyName), new("PolicyDocument", policy)], cancellationToken).ConfigureAwait(false);
                changes.Add($"put the inline policy {policyName} (sts:AssumeRole on {role.Arn}) on {grantee}");
            }
        }
        catch (Exception e) when (trustBefore is not null && e is CofferApiException or HttpRequestException or OperationCanceledException)
        {
            await RestoreTrustPolicyAsync(client, role, trustBefore).ConfigureAwait(false);
            throw;
        }

        Report(line, $"granted {role.Name} to {grantee}", role, grantee, changes, $"{grantee} may already assume {role.Name}: nothing changed");
        return 0;
    }

    private static async Task<int> RevokeAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        var (role, grantee) = await ArgumentsAsync(line, client, cancellationToken).ConfigureAwait(false);

        // Worked out before anything changes, so that a trust policy that cannot be edited stops the revoke untouched.
        var (trust, removed) = grantee.IsUser ? TrustPolicyDocument.WithoutUser(role.TrustPolicy, role.Account, grantee.Name) : (null, []);
        var changes = new List<string>();
        var policyName = Grantee.PolicyName(role.Name);
        try
        {
            // The policy first: without it the grantee can no longer assume the role, whatever the trust policy says.
            await client.QueryAsync("iam", $"Delete{grantee.Kind}Policy", [grantee.Parameter, new("PolicyName", policyName)], cancellationToken).ConfigureAwait(false);
            changes.Add($"deleted the inline policy {policyName} of {grantee}");
        }
        catch (CofferApiException e) when (e.Code == "NoSuchEntity")
        {
        }

        if (trust is not null)
        {
            await role.UpdateTrustPolicyAsync(client, trust, cancellationToken).ConfigureAwait(false);
            changes.Add($"removed {string.Join(", ", removed)} from {role.Name}'s trust policy");
        }

        Report(line, $"revoked {role.Name} from {grantee}", role, grantee, changes, $"{grantee} had no grant of {role.Name}: nothing changed");
        return 0;
    }

    private static async Task<(RoleInfo Role, Grantee Grantee)> ArgumentsAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        if (line.Positionals.Count != 1)
        {
            throw new UsageException(line.Positionals.Count == 0 ? "ROLE is required" : $"unexpected argument {line.Positionals[1]}");
        }

        var grantee = Grantee.From(line);
        return (await RoleInfo.GetAsync(client, line.Positionals[0], cancellationToken).ConfigureAwait(false), grantee);
    }

    /// <summary>Undoes a grant's trust policy change after its inline policy failed; says so either way.</summary>
    private static async Task RestoreTrustPolicyAsync(CofferClient client, RoleInfo role, string trustBefore)
    {
        try
        {
            // Not cancellable: an interrupted grant must still be undone.
            await role.UpdateTrustPolicyAsync(client, trustBefore, CancellationToken.None).ConfigureAwait(false);
            await Console.Error.WriteLineAsync($"undone: {role.Name}'s trust policy is as it was").ConfigureAwait(false);
        }
        catch (Exception e) when (e is CofferApiException or HttpRequestException)
        {
            await Console.Error.WriteLineAsync($"could not restore {role.Name}'s trust policy ({e.Message}); `coffer roles revoke` removes the grant").ConfigureAwait(false);
        }
    }

    private static void Report(CommandLine line, string heading, RoleInfo role, Grantee grantee, List<string> changes, string unchanged)
    {
        if (line.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(
                new { role = role.Name, roleArn = role.Arn, granteeType = grantee.Kind.ToLowerInvariant(), grantee = grantee.Name, changes },
                JsonOptions));
            return;
        }

        if (changes.Count == 0)
        {
            Console.WriteLine(unchanged);
            return;
        }

        Console.WriteLine(heading + ":");
        foreach (var change in changes)
        {
            Console.WriteLine("  " + change);
        }
    }
}
