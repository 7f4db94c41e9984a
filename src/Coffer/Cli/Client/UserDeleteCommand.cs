using System.Globalization;
using System.Text.Json;

namespace Coffer.Cli.Client;

/// <summary>
/// <c>coffer user delete</c>: the user's keys, policies, group memberships and the user, then
/// every object under its folder or in its own bucket (and the bucket). Each step tolerates what
/// an earlier, interrupted run already removed, so running it again finishes the job.
/// </summary>
internal static class UserDeleteCommand
{
    public const string Usage = """
        usage: coffer user delete --user NAME [--bucket BUCKET | --own-bucket] [--keep-files] [--yes] [--json]

        Deletes user NAME: its access keys, its policies (detached; its coffer-user-NAME policy is
        deleted), its group memberships and the user; then every object under NAME/ of the shared
        bucket, or in its own bucket and the bucket itself, unless --keep-files: in a versioned
        bucket every older version and delete marker too, for good. Uploads in progress
        there are aborted. The space is the one `coffer user create` recorded on the user; give
        --bucket or --own-bucket when the user is already gone. Asks for confirmation, showing the
        object count and bytes, unless --yes. Interrupted, it can be run again to finish.

        examples:
          coffer user delete --user alice
          coffer user delete --user bob --own-bucket --yes
        """;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--user", "--bucket", "--bucket-pattern"], ["--own-bucket", "--keep-files", "--yes"], DeleteAsync);

    private static async Task<int> DeleteAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        if (line.Positionals.Count > 0)
        {
            throw new UsageException($"unexpected argument {line.Positionals[0]}");
        }

        var name = line.Required("--user");
        var keepFiles = line.Has("--keep-files");
        if (line.Has("--own-bucket") && line.Get("--bucket") is not null)
        {
            throw new UsageException("give --bucket BUCKET or --own-bucket, not both");
        }

        var user = await TenantUser.ReadAsync(client, name, cancellationToken).ConfigureAwait(false);
        var policyArn = $"arn:aws:iam::{await client.AccountIdAsync(cancellationToken).ConfigureAwait(false)}:policy{TenantSpace.PolicyPath}{TenantSpace.PolicyName(name)}";
        var policyDescription = await PolicyDescriptionAsync(client, policyArn, cancellationToken).ConfigureAwait(false);
        var recorded = user?.Space ?? (policyDescription is null ? null : TenantSpace.FromPolicyDescription(name, policyDescription));
        var space = SpaceFromOptions(line, name, recorded) ?? recorded;
        if (user is null && policyDescription is null && (keepFiles || space is null))
        {
            throw new CofferApiException(
                "NoSuchEntity",
                keepFiles || line.Has("--own-bucket") || line.Get("--bucket") is not null
                    ? $"user {name} does not exist; nothing to delete"
                    : $"user {name} does not exist; to delete its files give --bucket BUCKET or --own-bucket",
                404);
        }

        var files = keepFiles || space is null ? null : await BucketContents.MeasureAsync(client, space.Bucket, space.Prefix, cancellationToken).ConfigureAwait(false);
        await Console.Error.WriteLineAsync(Plan(name, user, space, files, keepFiles)).ConfigureAwait(false);
        if (!line.Has("--yes") && !await ConfirmAsync().ConfigureAwait(false))
        {
            await Console.Error.WriteLineAsync("nothing was deleted").ConfigureAwait(false);
            return 1;
        }

        if (user is not null)
        {
            await DeleteUserAsync(client, user, cancellationToken).ConfigureAwait(false);
        }

        (long Objects, long Versions, long Locked) deleted = (0, 0, 0);
        var bucketDeleted = false;
        if (!keepFiles && space is not null)
        {
            deleted = await BucketContents.EmptyAsync(client, space.Bucket, space.Prefix, n => Console.Error.WriteLine($"deleted {Count(n, "object")}"), cancellationToken).ConfigureAwait(false);
            if (space.OwnBucket && deleted.Locked == 0)
            {
                bucketDeleted = await IgnoreMissingAsync(client.S3Async(HttpMethod.Delete, space.Bucket, string.Empty, [], null, cancellationToken), "NoSuchBucket").ConfigureAwait(false);
            }
        }

        // Last, because its description is what finds the files again if this run is interrupted,
        // or when object lock kept versions that a later run can delete once their retention ends.
        if (policyDescription is not null && deleted.Locked == 0)
        {
            await DeletePolicyAsync(client, policyArn, cancellationToken).ConfigureAwait(false);
        }

        if (line.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(
                new
                {
                    user = name,
                    userDeleted = user is not null,
                    accessKeysDeleted = user?.Keys.Count ?? 0,
                    location = keepFiles ? null : space?.Location,
                    objectsDeleted = deleted.Objects,
                    versionsDeleted = deleted.Versions,
                    versionsLocked = deleted.Locked,
                    bucketDeleted,
                },
                JsonOptions));
        }
        else
        {
            Console.WriteLine(user is null ? $"user {name} was already gone" : $"deleted user {name}");
            if (!keepFiles && space is not null)
            {
                var older = deleted.Versions > deleted.Objects ? $" ({Count(deleted.Versions - deleted.Objects, "older version or delete marker", "older versions and delete markers")} besides)" : string.Empty;
                Console.WriteLine($"deleted {Count(deleted.Objects, "object")}{older} in {space.Location}" + (bucketDeleted ? $" and the bucket {space.Bucket}" : string.Empty));
            }
        }

        if (deleted.Locked > 0)
        {
            await Console.Error.WriteLineAsync(
                $"kept {Count(deleted.Locked, "version")} under object lock in {space!.Location}: they can be deleted (run this again) once their retention ends or legal hold is lifted").ConfigureAwait(false);
            return 1;
        }

        return 0;
    }

    private static TenantSpace? SpaceFromOptions(CommandLine line, string name, TenantSpace? recorded)
    {
        var access = recorded?.Access ?? "read-write";
        if (line.Get("--bucket") is { } bucket)
        {
            return new TenantSpace(false, bucket, access, name);
        }

        if (!line.Has("--own-bucket"))
        {
            return null;
        }

        if (recorded is { OwnBucket: true } && line.Get("--bucket-pattern") is null)
        {
            return recorded;
        }

        return new TenantSpace(true, TenantSpace.OwnBucketName(TenantSpace.BucketPattern(line), name), access, name);
    }

    private static string Plan(string name, TenantUser? user, TenantSpace? space, (long Objects, long OlderVersions, long Bytes)? files, bool keepFiles)
    {
        var lines = new List<string> { "this deletes:" };
        if (user is not null)
        {
            lines.Add($"  user {name}: {Count(user.Keys.Count, "access key")}, {Count(user.AttachedPolicies.Count, "attached policy", "attached policies")}, {Count(user.InlinePolicies.Count, "inline policy", "inline policies")}, {Count(user.Groups.Count, "group membership")}");
        }
        else
        {
            lines.Add($"  (user {name} is already gone)");
        }

        if (keepFiles || space is null)
        {
            lines.Add(space is null ? "  (no files: the user has no recorded space)" : $"  (files in {space.Location} are kept)");
        }
        else if (files is { } f)
        {
            var older = f.OlderVersions > 0 ? $" and {Count(f.OlderVersions, "older version or delete marker", "older versions and delete markers")}" : string.Empty;
            lines.Add($"  {Count(f.Objects, "object")}{older} ({Bytes(f.Bytes)}) in {space.Location}" + (space.OwnBucket ? $", and the bucket {space.Bucket}" : string.Empty));
        }
        else
        {
            lines.Add($"  nothing in {space.Location}: the bucket does not exist");
        }

        return string.Join('\n', lines);
    }

    private static async Task<bool> ConfirmAsync()
    {
        await Console.Error.WriteAsync("delete? [y/N] ").ConfigureAwait(false);
        var answer = (await Console.In.ReadLineAsync().ConfigureAwait(false))?.Trim();
        return answer is "y" or "Y" or "yes" or "YES" or "Yes";
    }

    private static async Task DeleteUserAsync(CofferClient client, TenantUser user, CancellationToken cancellationToken)
    {
        KeyValuePair<string, string> byName = new("UserName", user.Name);
        foreach (var key in user.Keys)
        {
            await IgnoreMissingAsync(client.QueryAsync("iam", "DeleteAccessKey", [byName, new("AccessKeyId", key.AccessKeyId)], cancellationToken)).ConfigureAwait(false);
        }

        foreach (var (policyName, arn) in user.AttachedPolicies)
        {
            await IgnoreMissingAsync(client.QueryAsync("iam", "DetachUserPolicy", [byName, new("PolicyArn", arn)], cancellationToken)).ConfigureAwait(false);
        }

        foreach (var policy in user.InlinePolicies)
        {
            await IgnoreMissingAsync(client.QueryAsync("iam", "DeleteUserPolicy", [byName, new("PolicyName", policy)], cancellationToken)).ConfigureAwait(false);
            if (policy.StartsWith(Grantee.PolicyPrefix, StringComparison.Ordinal))
            {
                await ForgetInTrustPolicyAsync(client, policy[Grantee.PolicyPrefix.Length..], user.Name, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var group in user.Groups)
        {
            await IgnoreMissingAsync(client.QueryAsync("iam", "RemoveUserFromGroup", [byName, new("GroupName", group)], cancellationToken)).ConfigureAwait(false);
        }

        await IgnoreMissingAsync(client.QueryAsync("iam", "DeleteUser", [byName], cancellationToken)).ConfigureAwait(false);
    }

    private static async Task<string?> PolicyDescriptionAsync(CofferClient client, string arn, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.QueryAsync("iam", "GetPolicy", [new("PolicyArn", arn)], cancellationToken).ConfigureAwait(false);
            return result.Child("Policy").ChildValue("Description") ?? string.Empty;
        }
        catch (CofferApiException e) when (e.Code == "NoSuchEntity")
        {
            return null;
        }
    }

    /// <summary>
    /// Takes the user out of the trust policy of a role `coffer roles grant` gave it, so that a
    /// later user of the same name is not named there.
    /// </summary>
    private static async Task ForgetInTrustPolicyAsync(CofferClient client, string roleName, string userName, CancellationToken cancellationToken)
    {
        if (await RoleInfo.FindAsync(client, roleName, cancellationToken).ConfigureAwait(false) is not { } role)
        {
            return;
        }

        try
        {
            if (TrustPolicyDocument.WithoutUser(role.TrustPolicy, role.Account, userName).Document is { } trust)
            {
                await role.UpdateTrustPolicyAsync(client, trust, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (CofferApiException e) when (e.Code == "InvalidInput")
        {
            await Console.Error.WriteLineAsync($"note: {userName} stays named in the trust policy of {roleName}, where it is the only principal").ConfigureAwait(false);
        }
    }

    /// <summary>Deletes a managed policy with its older versions; one still attached elsewhere is left, with a note.</summary>
    private static async Task DeletePolicyAsync(CofferClient client, string arn, CancellationToken cancellationToken)
    {
        List<System.Xml.Linq.XElement> versions;
        try
        {
            versions = await client.ListAllAsync("ListPolicyVersions", "Versions", [new("PolicyArn", arn)], cancellationToken).ConfigureAwait(false);
        }
        catch (CofferApiException e) when (e.Code == "NoSuchEntity")
        {
            return;
        }

        foreach (var version in versions.Where(v => v.ChildValue("IsDefaultVersion") != "true"))
        {
            await IgnoreMissingAsync(client.QueryAsync("iam", "DeletePolicyVersion", [new("PolicyArn", arn), new("VersionId", version.Required("VersionId"))], cancellationToken)).ConfigureAwait(false);
        }

        try
        {
            await IgnoreMissingAsync(client.QueryAsync("iam", "DeletePolicy", [new("PolicyArn", arn)], cancellationToken)).ConfigureAwait(false);
        }
        catch (CofferApiException e) when (e.Code == "DeleteConflict")
        {
            await Console.Error.WriteLineAsync($"note: {arn} is attached to others too, so it was kept").ConfigureAwait(false);
        }
    }

    /// <summary>Awaits the call; false when what it removes was already gone.</summary>
    private static async Task<bool> IgnoreMissingAsync<T>(Task<T> call, string missing = "NoSuchEntity")
    {
        try
        {
            await call.ConfigureAwait(false);
            return true;
        }
        catch (CofferApiException e) when (e.Code == missing)
        {
            return false;
        }
    }

    private static string Count(long n, string one, string? many = null) => $"{n} {(n == 1 ? one : many ?? one + "s")}";

    private static string Bytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.##} GiB"),
    };
}
