using System.Text.Json;

namespace Coffer.Cli.Client;

/// <summary>
/// <c>coffer user create</c>: an IAM user with a private folder of a shared bucket or a bucket of
/// its own, a policy granting exactly that, an access key and its CSV — all or nothing.
/// </summary>
internal static class UserCreateCommand
{
    public const string Usage = """
        usage: coffer user create --user NAME (--bucket BUCKET | --own-bucket) [--access read|write|read-write]
                                  [--csv FILE] [--force] [--bucket-pattern PATTERN] [--json]

        Creates IAM user NAME with its own space and an access key, and writes the key to FILE
        (default NAME.csv) in the AWS console's CSV format, readable by its owner only (0600).
          --bucket BUCKET   the folder NAME/ of an existing bucket: NAME may list only under NAME/
                            (not the bucket root, not other folders) and use objects only there
          --own-bucket      a bucket of its own, made through the coffer-bucket-creator role (which
                            may only create buckets and set their encryption and policy) and named by
                            --bucket-pattern (COFFER_BUCKET_PATTERN, default <name>-files), lower-cased
          --access          read: download; write: upload, including multipart; read-write (default):
                            both, and delete
          --force           replace FILE if it exists
        All or nothing: when a step fails, the steps done are undone and the error names the step.
        If NAME exists, nothing is changed. The policy is the managed policy coffer-user-NAME.

        examples:
          coffer user create --user alice --bucket team-share --access read-write --csv alice.csv
          coffer user create --user bob --own-bucket --access write
        """;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--user", "--bucket", "--access", "--csv", "--bucket-pattern"], ["--own-bucket", "--force"], CreateAsync);

    private static async Task<int> CreateAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        if (line.Positionals.Count > 0)
        {
            throw new UsageException($"unexpected argument {line.Positionals[0]}");
        }

        var name = line.Required("--user");
        var own = line.Has("--own-bucket");
        var bucket = line.Get("--bucket");
        if (own == (bucket is not null))
        {
            throw new UsageException("give either --bucket BUCKET or --own-bucket");
        }

        var access = line.Get("--access") ?? "read-write";
        if (!TenantSpace.AccessLevels.Contains(access))
        {
            throw new UsageException($"--access {access}: expected read, write or read-write");
        }

        if (own)
        {
            bucket = TenantSpace.OwnBucketName(TenantSpace.BucketPattern(line), name);
        }
        else if (line.Get("--bucket-pattern") is not null)
        {
            throw new UsageException("--bucket-pattern goes with --own-bucket");
        }

        var space = new TenantSpace(own, bucket!, access, name);
        var csv = line.Get("--csv") ?? name + ".csv";
        var force = line.Has("--force");
        if (await UserExistsAsync(client, name, cancellationToken).ConfigureAwait(false))
        {
            throw new CofferApiException("EntityAlreadyExists", $"user {name} already exists; nothing was changed", 409);
        }

        CredentialsCsv.CheckWritable(csv, force);
        if (own && (await client.CallerAsync(cancellationToken).ConfigureAwait(false)).Arn.EndsWith(":root", StringComparison.Ordinal))
        {
            throw new CofferApiException(
                "AccessDenied",
                $"--own-bucket creates the bucket through the {BucketCreatorRole.Name} role, and the account root cannot assume roles; run this as an administrator user (see the README); nothing was changed",
                403);
        }

        if (!own)
        {
            // Before anything is created: a folder of a bucket that is not there is a typo, not a failure to undo.
            await client.S3Async(HttpMethod.Get, space.Bucket, string.Empty, [new("location", string.Empty)], null, cancellationToken).ConfigureAwait(false);
        }

        var steps = new UndoableSteps(Console.Error);
        try
        {
            var created = await CreateStepsAsync(client, steps, space, csv, force, cancellationToken).ConfigureAwait(false);
            Report(line.Json, space, created, csv);
            return 0;
        }
        catch (StepFailedException e)
        {
            var hint = ErrorHints.For(e.Code);
            await Console.Error.WriteLineAsync($"error: {e.Code}: creating user {name}: {e.Message}" + (hint is null ? string.Empty : $" ({hint})")).ConfigureAwait(false);
            var leftBehind = await steps.UndoAsync().ConfigureAwait(false);
            if (leftBehind.Count == 0)
            {
                await Console.Error.WriteLineAsync("every step done was undone; nothing was changed").ConfigureAwait(false);
            }
            else
            {
                await Console.Error.WriteLineAsync(
                    "could not undo, left behind:\n  " + string.Join("\n  ", leftBehind)
                    + $"\nrun `coffer user delete --user {name} {(own ? "--own-bucket" : "--bucket " + space.Bucket)} --yes` to remove it").ConfigureAwait(false);
            }

            return 1;
        }
    }

    private static async Task<bool> UserExistsAsync(CofferClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            await client.QueryAsync("iam", "GetUser", [new("UserName", name)], cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CofferApiException e) when (e.Code == "NoSuchEntity")
        {
            return false;
        }
    }

    private static async Task<Created> CreateStepsAsync(CofferClient client, UndoableSteps steps, TenantSpace space, string csv, bool force, CancellationToken cancellationToken)
    {
        var name = space.UserName;
        List<KeyValuePair<string, string>> user = [new("UserName", name)];
        var tags = space.Tags().ToList();
        for (var i = 0; i < tags.Count; i++)
        {
            user.Add(new($"Tags.member.{i + 1}.Key", tags[i].Key));
            user.Add(new($"Tags.member.{i + 1}.Value", tags[i].Value));
        }

        var userResult = await steps.RunAsync(
            $"create user {name}",
            () => client.QueryAsync("iam", "CreateUser", user, cancellationToken),
            (_, ct) => client.QueryAsync("iam", "DeleteUser", [new("UserName", name)], ct)).ConfigureAwait(false);
        var policyName = TenantSpace.PolicyName(name);
        var policy = await steps.RunAsync(
            $"create policy {policyName}",
            () => client.QueryAsync(
                "iam",
                "CreatePolicy",
                [
                    new("PolicyName", policyName),
                    new("Path", TenantSpace.PolicyPath),
                    new("Description", space.PolicyDescription()),
                    new("PolicyDocument", space.PolicyDocument()),
                ],
                cancellationToken),
            (result, ct) => client.QueryAsync("iam", "DeletePolicy", [new("PolicyArn", result.Child("Policy").Required("Arn"))], ct)).ConfigureAwait(false);
        var policyArn = policy.Child("Policy").Required("Arn");
        await steps.RunAsync(
            $"attach {policyName} to {name}",
            () => client.QueryAsync("iam", "AttachUserPolicy", [new("UserName", name), new("PolicyArn", policyArn)], cancellationToken),
            (_, ct) => client.QueryAsync("iam", "DetachUserPolicy", [new("UserName", name), new("PolicyArn", policyArn)], ct)).ConfigureAwait(false);

        if (space.OwnBucket)
        {
            await BucketCreatorRole.EnsureAsync(client, steps, cancellationToken).ConfigureAwait(false);
            var creator = await steps.RunAsync(
                $"assume role {BucketCreatorRole.Name}",
                () => RoleSession.AssumeAsync(client, BucketCreatorRole.Name, TimeSpan.FromMinutes(15), "coffer-user-create", cancellationToken),
                null).ConfigureAwait(false);
            await steps.RunAsync(
                $"create bucket {space.Bucket}",
                () => client.S3Async(HttpMethod.Put, space.Bucket, string.Empty, [], null, cancellationToken, creator.Credentials),
                (_, ct) => client.S3Async(HttpMethod.Delete, space.Bucket, string.Empty, [], null, ct)).ConfigureAwait(false);
        }

        var key = await steps.RunAsync(
            $"create an access key for {name}",
            async () =>
            {
                var result = await client.QueryAsync("iam", "CreateAccessKey", [new("UserName", name)], cancellationToken).ConfigureAwait(false);
                var accessKey = result.Child("AccessKey");
                return new AwsCredentials(accessKey.Required("AccessKeyId"), accessKey.Required("SecretAccessKey"), null);
            },
            (k, ct) => client.QueryAsync("iam", "DeleteAccessKey", [new("UserName", name), new("AccessKeyId", k.AccessKeyId)], ct)).ConfigureAwait(false);
        await steps.RunAsync(
            $"write {csv}",
            () =>
            {
                CredentialsCsv.Write(csv, key, name, client.Endpoint, force);
                return Task.CompletedTask;
            },
            null).ConfigureAwait(false);
        return new Created(userResult.Child("User").Required("Arn"), policyArn, key.AccessKeyId);
    }

    private static void Report(bool json, TenantSpace space, Created created, string csv)
    {
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(
                new
                {
                    user = space.UserName,
                    arn = created.UserArn,
                    mode = space.Mode,
                    bucket = space.Bucket,
                    prefix = space.Prefix,
                    access = space.Access,
                    policyArn = created.PolicyArn,
                    accessKeyId = created.AccessKeyId,
                    csv = Path.GetFullPath(csv),
                },
                JsonOptions));
            return;
        }

        Console.WriteLine($"created user {space.UserName}: {space.Access} access to {space.Location}{(space.OwnBucket ? " (its own bucket)" : string.Empty)}");
        Console.WriteLine($"  policy  {created.PolicyArn}");
        Console.WriteLine($"  key     {created.AccessKeyId}, secret in {csv} (mode 0600; hand it over safely, it is not shown again)");
    }

    private sealed record Created(string UserArn, string PolicyArn, string AccessKeyId);
}
