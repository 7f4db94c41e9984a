namespace Coffer.Cli.Client;

/// <summary>
/// <c>coffer key rotate</c>: a user's new key, and the old one deactivated at once or by the
/// server after a grace period; <c>--finish</c> deletes what a rotation replaced.
/// </summary>
internal static class KeyRotateCommand
{
    public const string Usage = """
        usage: coffer key rotate --user NAME [--csv FILE [--force]] [--grace DURATION] [--json]
               coffer key rotate --user NAME --finish [--json]

        Replaces user NAME's access key. A new key is created (written to FILE with --csv, else
        printed once) and the old key is deactivated at once or, with --grace (e.g. 24h, at most
        90d), by the server when the grace period ends, so that clients can move to the new key
        meanwhile. The schedule is the user tag coffer:deactivate-key/OLDKEYID; activating or
        deactivating the key by hand cancels it.

        IAM allows two keys per user: rotate refuses when NAME already has two, and says which one
        to delete, or that a rotation is to be finished. --finish deletes the keys a rotation
        replaced (deactivating them first if their grace period is not over); it never deletes
        NAME's newest key.

        examples:
          coffer key rotate --user backup --csv backup.csv --grace 24h
          coffer key rotate --user backup --finish
        """;

    private static readonly TimeSpan MaxGrace = TimeSpan.FromDays(90);

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--user", "--csv", "--grace"], ["--force", "--finish"], RotateAsync);

    private static async Task<int> RotateAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        KeyCommand.NoArguments(line);
        var user = line.Required("--user");
        if (line.Has("--finish"))
        {
            if (line.Get("--csv") is not null || line.Get("--grace") is not null || line.Has("--force"))
            {
                throw new UsageException("--finish goes without --csv, --force and --grace");
            }

            return await FinishAsync(line, client, user, cancellationToken).ConfigureAwait(false);
        }

        var grace = Grace(line.Get("--grace"));
        var (csv, force) = NewAccessKey.CsvOptions(line);
        var keys = await UserAccessKey.ListAsync(client, user, cancellationToken).ConfigureAwait(false);
        if (keys.Count >= 2)
        {
            throw TooManyKeys(user, keys, client.Time.GetUtcNow());
        }

        var created = await NewAccessKey.CreateAsync(client, user, csv, force, cancellationToken).ConfigureAwait(false);
        var old = keys.SingleOrDefault();
        DateTimeOffset? retiredAt = null;
        CofferApiException? failure = null;
        if (old is not null)
        {
            try
            {
                retiredAt = await RetireAsync(client, old, grace, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is CofferApiException or HttpRequestException)
            {
                // Without --csv the new key's secret is only in this output: print it before failing.
                failure = e as CofferApiException ?? new CofferApiException("ConnectionError", e.Message, 0);
            }
        }

        if (line.Json)
        {
            var json = created.ToJson();
            json["replaced"] = old?.AccessKeyId;
            json["deactivatesAt"] = retiredAt is { } at ? Timestamps.Iso(at) : null;
            KeyCommand.WriteJson(json);
        }
        else
        {
            created.Print();
            PrintRetirement(user, old, retiredAt, grace);
        }

        return failure is null
            ? 0
            : throw new CofferApiException(failure.Code, failure.Message, failure.Status)
            {
                Hint = $"the new key {created.Credentials.AccessKeyId} is ready, but {old!.AccessKeyId} may still be active: see `coffer key list --user {user}`, then `coffer key deactivate {old.AccessKeyId}`",
            };
    }

    private static TimeSpan Grace(string? text)
    {
        var grace = text is null ? TimeSpan.Zero : Durations.Parse(text, "--grace", allowZero: true);
        return grace <= MaxGrace ? grace : throw new UsageException($"--grace {text}: at most {Durations.Format(MaxGrace)}");
    }

    /// <summary>
    /// Deactivates the old key now, or schedules it, and tags it either way so that --finish knows
    /// which key the rotation replaced. Returns when the key stops (or stopped) working.
    /// </summary>
    private static async Task<DateTimeOffset> RetireAsync(CofferClient client, UserAccessKey old, TimeSpan grace, CancellationToken cancellationToken)
    {
        var now = client.Time.GetUtcNow();
        if (grace > TimeSpan.Zero && old.IsActive)
        {
            await UserAccessKey.ScheduleDeactivationAsync(client, old.User, old.AccessKeyId, now + grace, cancellationToken).ConfigureAwait(false);
            return now + grace;
        }

        if (old.IsActive)
        {
            await UserAccessKey.SetStatusAsync(client, old.User, old.AccessKeyId, active: false, cancellationToken).ConfigureAwait(false);
        }

        // After the status change, which clears any schedule tag: this one marks the key as replaced.
        await UserAccessKey.ScheduleDeactivationAsync(client, old.User, old.AccessKeyId, now, cancellationToken).ConfigureAwait(false);
        return now;
    }

    private static void PrintRetirement(string user, UserAccessKey? old, DateTimeOffset? retiredAt, TimeSpan grace)
    {
        if (old is null)
        {
            Console.WriteLine($"{user} had no other key: nothing to deactivate");
            return;
        }

        if (retiredAt is not { } at)
        {
            return;
        }

        Console.WriteLine(
            !old.IsActive ? $"{old.AccessKeyId} was inactive already"
            : grace > TimeSpan.Zero ? $"{old.AccessKeyId} keeps working until {Timestamps.Iso(at)} (in {Durations.Format(grace)}); then the server deactivates it"
            : $"deactivated access key {old.AccessKeyId}");
        Console.WriteLine($"when no client uses {old.AccessKeyId} any more, delete it: coffer key rotate --user {user} --finish");
    }

    private static CofferApiException TooManyKeys(string user, List<UserAccessKey> keys, DateTimeOffset now)
    {
        var both = string.Join(" and ", keys.Select(k => $"{k.AccessKeyId} ({k.StatusText(now)}, created {Timestamps.Iso(k.Created)}, last used {k.LastUsedText})"));
        if (keys.Any(k => k.DeactivatesAt is not null))
        {
            return new CofferApiException("LimitExceeded", $"{user} already has two access keys, {both}, and a rotation is pending", 0)
            {
                Hint = $"finish it first: coffer key rotate --user {user} --finish",
            };
        }

        var spare = keys.FirstOrDefault(k => !k.IsActive) ?? keys[0];
        return new CofferApiException("LimitExceeded", $"{user} already has two access keys, {both}, and IAM allows no more", 0)
        {
            Hint = $"delete the one no client needs first, perhaps the {(spare.IsActive ? "older" : "inactive")} one: coffer key delete {spare.AccessKeyId}",
        };
    }

    /// <summary>
    /// Deletes the keys a rotation replaced: those scheduled for deactivation that a newer,
    /// unscheduled key replaces. A scheduled key with nothing newer beside it is kept and reported.
    /// </summary>
    private static async Task<int> FinishAsync(CommandLine line, CofferClient client, string user, CancellationToken cancellationToken)
    {
        var keys = await UserAccessKey.ListAsync(client, user, cancellationToken).ConfigureAwait(false);
        var newest = keys.FindLastIndex(k => k.DeactivatesAt is null);
        var replaced = keys.Where((k, i) => k.DeactivatesAt is not null && i < newest).ToList();
        var stranded = keys.Where((k, i) => k.DeactivatesAt is not null && i > newest).ToList();
        foreach (var key in replaced)
        {
            if (key.IsActive)
            {
                await UserAccessKey.SetStatusAsync(client, user, key.AccessKeyId, active: false, cancellationToken).ConfigureAwait(false);
            }

            await UserAccessKey.DeleteAsync(client, user, key.AccessKeyId, cancellationToken).ConfigureAwait(false);
        }

        var kept = newest >= 0 ? keys[newest].AccessKeyId : null;
        if (line.Json)
        {
            KeyCommand.WriteJson(new Dictionary<string, object?> { ["user"] = user, ["deleted"] = replaced.Select(k => k.AccessKeyId), ["kept"] = kept });
        }
        else if (replaced.Count == 0 && stranded.Count == 0)
        {
            Console.WriteLine($"no rotation of {user} is pending: nothing to finish");
        }
        else
        {
            foreach (var key in replaced)
            {
                Console.WriteLine($"deleted access key {key.AccessKeyId} of {user} (replaced by {kept})");
            }
        }

        return stranded.Count == 0
            ? 0
            : throw new CofferApiException("KeyNotReplaced", $"not deleting {string.Join(", ", stranded.Select(k => k.AccessKeyId))}: no newer key of {user} replaces it", 0)
            {
                Hint = $"to keep using it, cancel its deactivation: coffer key activate {stranded[0].AccessKeyId}",
            };
    }
}
