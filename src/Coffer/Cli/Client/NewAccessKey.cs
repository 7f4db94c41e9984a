namespace Coffer.Cli.Client;

/// <summary>A key just created for a user, with the secret that only CreateAccessKey's answer carries.</summary>
internal sealed record NewAccessKey(string User, AwsCredentials Credentials, DateTimeOffset Created, string? Csv)
{
    /// <summary>--csv FILE and --force, which only goes with it.</summary>
    public static (string? Csv, bool Force) CsvOptions(CommandLine line)
    {
        var csv = line.Get("--csv");
        var force = line.Has("--force");
        return force && csv is null ? throw new UsageException("--force goes with --csv FILE") : (csv, force);
    }

    /// <summary>
    /// Creates a key for <paramref name="user"/>, written to <paramref name="csv"/> when given: the
    /// file is checked first, and when it cannot be written after all the key is deleted again,
    /// so that no key is left whose secret nobody holds.
    /// </summary>
    public static async Task<NewAccessKey> CreateAsync(CofferClient client, string user, string? csv, bool force, CancellationToken cancellationToken)
    {
        if (csv is not null)
        {
            CredentialsCsv.CheckWritable(csv, force);
        }

        var result = await client.QueryAsync("iam", "CreateAccessKey", [new("UserName", user)], cancellationToken).ConfigureAwait(false);
        var key = result.Child("AccessKey");
        var created = new NewAccessKey(
            key.Required("UserName"),
            new AwsCredentials(key.Required("AccessKeyId"), key.Required("SecretAccessKey"), null),
            Timestamps.Parse(key.Required("CreateDate"), "CreateDate"),
            csv);
        if (csv is null)
        {
            return created;
        }

        try
        {
            CredentialsCsv.Write(csv, created.Credentials, created.User, client.Endpoint, force);
            return created;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or UsageException)
        {
            var rollBack = await created.RollBackAsync(client).ConfigureAwait(false);
            throw new CofferApiException("CsvNotWritten", $"cannot write --csv {csv}: {e.Message}; {rollBack}", 0);
        }
    }

    /// <summary>Prints the key: where it was written, or the secret with the warning that it is shown once.</summary>
    public void Print()
    {
        if (Csv is not null)
        {
            Console.WriteLine($"created access key {Credentials.AccessKeyId} for {User}; it is in {Csv} (readable by you only)");
            return;
        }

        Table.Write(Console.Out, ["USER", "ACCESS KEY ID", "SECRET ACCESS KEY"], [[User, Credentials.AccessKeyId, Credentials.SecretAccessKey]]);
        Console.Error.WriteLine("note: the secret access key cannot be shown again: keep it now (--csv FILE writes it to a file)");
    }

    public Dictionary<string, object?> ToJson() => new()
    {
        ["user"] = User,
        ["accessKeyId"] = Credentials.AccessKeyId,
        ["secretAccessKey"] = Csv is null ? Credentials.SecretAccessKey : null,
        ["created"] = Timestamps.Iso(Created),
        ["csv"] = Csv,
    };

    /// <summary>Deletes the key again; says so, or what to run when even that fails.</summary>
    private async Task<string> RollBackAsync(CofferClient client)
    {
        try
        {
            // Not cancellable: an interrupted roll-back would leave the key behind.
            await UserAccessKey.DeleteAsync(client, User, Credentials.AccessKeyId, CancellationToken.None).ConfigureAwait(false);
            return $"the new key {Credentials.AccessKeyId} was deleted again";
        }
        catch (Exception e) when (e is CofferApiException or HttpRequestException)
        {
            return $"deleting the new key failed too ({e.Message}): run `coffer key delete {Credentials.AccessKeyId} --user {User}`";
        }
    }
}
