using System.Xml.Linq;
using Coffer.Identity.AccessKeys;

namespace Coffer.Cli.Client;

/// <summary>An IAM user's access key as the key commands show it: status, age, last use and any scheduled deactivation.</summary>
internal sealed record UserAccessKey(
    string User,
    string AccessKeyId,
    bool IsActive,
    DateTimeOffset Created,
    DateTimeOffset? LastUsed,
    string? LastUsedService,
    DateTimeOffset? DeactivatesAt)
{
    private const string KeyListHint = "`coffer key list` shows every user's keys";

    public string Status => IsActive ? "Active" : "Inactive";

    /// <summary>
    /// The keys of <paramref name="user"/>, or of every user when it is null, each user's in the
    /// server's order (oldest first, which creation times to the second cannot always tell).
    /// </summary>
    public static async Task<List<UserAccessKey>> ListAsync(CofferClient client, string? user, CancellationToken cancellationToken)
    {
        List<string> users = user is not null
            ? [user]
            : [.. (await client.ListAllAsync("ListUsers", "Users", [], cancellationToken).ConfigureAwait(false)).Select(u => u.Required("UserName"))];
        var keys = new List<UserAccessKey>();
        foreach (var name in users)
        {
            keys.AddRange(await ForUserAsync(client, name, null, cancellationToken).ConfigureAwait(false));
        }

        return keys;
    }

    /// <summary>The keys of one user; <paramref name="tags"/> are its tags when the caller has read them already.</summary>
    public static async Task<List<UserAccessKey>> ForUserAsync(CofferClient client, string name, IReadOnlyDictionary<string, string>? tags, CancellationToken cancellationToken)
    {
        var members = await client.ListAllAsync("ListAccessKeys", "AccessKeyMetadata", [new("UserName", name)], cancellationToken).ConfigureAwait(false);
        if (members.Count == 0)
        {
            return [];
        }

        tags ??= await TagsAsync(client, name, cancellationToken).ConfigureAwait(false);
        var schedule = ScheduledDeactivation.All(tags);
        var keys = new List<UserAccessKey>(members.Count);
        foreach (var member in members)
        {
            var id = member.Required("AccessKeyId");
            var use = (await client.QueryAsync("iam", "GetAccessKeyLastUsed", [new("AccessKeyId", id)], cancellationToken).ConfigureAwait(false)).Child("AccessKeyLastUsed");
            keys.Add(new UserAccessKey(
                member.Required("UserName"),
                id,
                member.Required("Status") == "Active",
                Timestamps.Parse(member.Required("CreateDate"), "CreateDate"),
                use.ChildValue("LastUsedDate") is { } date ? Timestamps.Parse(date, "LastUsedDate") : null,
                use.ChildValue("LastUsedDate") is null ? null : use.ChildValue("ServiceName"),
                schedule.TryGetValue(id, out var at) ? at : null));
        }

        return keys;
    }

    /// <summary>A user's tags, by key.</summary>
    public static async Task<Dictionary<string, string>> TagsAsync(CofferClient client, string name, CancellationToken cancellationToken) =>
        (await client.ListAllAsync("ListUserTags", "Tags", [new("UserName", name)], cancellationToken).ConfigureAwait(false))
            .ToDictionary(t => t.Required("Key"), t => t.ChildValue("Value") ?? string.Empty, StringComparer.Ordinal);

    /// <summary>The IAM user that owns <paramref name="accessKeyId"/>, as GetAccessKeyLastUsed names it.</summary>
    public static async Task<string> OwnerAsync(CofferClient client, string accessKeyId, CancellationToken cancellationToken)
    {
        var result = await CallAsync(client, "GetAccessKeyLastUsed", [new("AccessKeyId", accessKeyId)], cancellationToken).ConfigureAwait(false);
        return result.ChildValue("UserName") is { Length: > 0 } user
            ? user
            : throw new CofferApiException("NoSuchEntity", $"access key {accessKeyId} belongs to no IAM user", 404) { Hint = KeyListHint };
    }

    /// <summary>UpdateAccessKey, which also cancels any deactivation scheduled for the key.</summary>
    public static Task SetStatusAsync(CofferClient client, string user, string accessKeyId, bool active, CancellationToken cancellationToken) =>
        CallAsync(client, "UpdateAccessKey", [new("UserName", user), new("AccessKeyId", accessKeyId), new("Status", active ? "Active" : "Inactive")], cancellationToken);

    public static Task DeleteAsync(CofferClient client, string user, string accessKeyId, CancellationToken cancellationToken) =>
        CallAsync(client, "DeleteAccessKey", [new("UserName", user), new("AccessKeyId", accessKeyId)], cancellationToken);

    /// <summary>Asks the server to deactivate the key at <paramref name="at"/> (see <see cref="ScheduledDeactivation"/>).</summary>
    public static Task ScheduleDeactivationAsync(CofferClient client, string user, string accessKeyId, DateTimeOffset at, CancellationToken cancellationToken) =>
        client.QueryAsync(
            "iam",
            "TagUser",
            [new("UserName", user), new("Tags.member.1.Key", ScheduledDeactivation.TagKey(accessKeyId)), new("Tags.member.1.Value", ScheduledDeactivation.Format(at))],
            cancellationToken);

    /// <summary>The status as people read it: with the time a scheduled deactivation happens or happened.</summary>
    public string StatusText(DateTimeOffset now) => DeactivatesAt switch
    {
        { } at when at <= now => $"Inactive since {Timestamps.Iso(at)}",
        { } at when IsActive => $"Active until {Timestamps.Iso(at)}",
        _ => Status,
    };

    public string LastUsedText => LastUsed is { } used ? $"{Timestamps.Iso(used)} {LastUsedService}".TrimEnd() : "never";

    public Dictionary<string, object?> ToJson(DateTimeOffset now) => new()
    {
        ["user"] = User,
        ["accessKeyId"] = AccessKeyId,
        ["status"] = Status,
        ["created"] = Timestamps.Iso(Created),
        ["ageSeconds"] = (long)(now - Created).TotalSeconds,
        ["lastUsed"] = LastUsed is { } used ? Timestamps.Iso(used) : null,
        ["lastUsedService"] = LastUsedService,
        ["deactivatesAt"] = DeactivatesAt is { } at ? Timestamps.Iso(at) : null,
    };

    /// <summary>An IAM call about one key; a key or user that does not exist gets a hint on where to look.</summary>
    private static async Task<XElement> CallAsync(CofferClient client, string action, IEnumerable<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        try
        {
            return await client.QueryAsync("iam", action, parameters, cancellationToken).ConfigureAwait(false);
        }
        catch (CofferApiException e) when (e.Code == "NoSuchEntity")
        {
            throw new CofferApiException(e.Code, e.Message, e.Status) { Hint = KeyListHint };
        }
    }
}
