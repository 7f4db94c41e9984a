using System.Globalization;

namespace Coffer.Cli.Client;

/// <summary>An IAM user as the user commands show and delete it: its space, keys, policies and groups.</summary>
internal sealed record TenantUser(
    string Name,
    string Arn,
    DateTimeOffset Created,
    TenantSpace? Space,
    IReadOnlyList<TenantUser.Key> Keys,
    IReadOnlyList<(string Name, string Arn)> AttachedPolicies,
    IReadOnlyList<string> InlinePolicies,
    IReadOnlyList<string> Groups)
{
    /// <summary>The user as the server has it now; null when there is no such user.</summary>
    public static async Task<TenantUser?> ReadAsync(CofferClient client, string name, CancellationToken cancellationToken)
    {
        System.Xml.Linq.XElement user;
        try
        {
            user = (await client.QueryAsync("iam", "GetUser", [new("UserName", name)], cancellationToken).ConfigureAwait(false)).Child("User")!;
        }
        catch (CofferApiException e) when (e.Code == "NoSuchEntity")
        {
            return null;
        }

        List<KeyValuePair<string, string>> byName = [new("UserName", name)];
        var tags = (await client.ListAllAsync("ListUserTags", "Tags", byName, cancellationToken).ConfigureAwait(false))
            .ToDictionary(t => t.Required("Key"), t => t.Required("Value"), StringComparer.Ordinal);
        var keys = new List<Key>();
        foreach (var member in await client.ListAllAsync("ListAccessKeys", "AccessKeyMetadata", byName, cancellationToken).ConfigureAwait(false))
        {
            var id = member.Required("AccessKeyId");
            var used = (await client.QueryAsync("iam", "GetAccessKeyLastUsed", [new("AccessKeyId", id)], cancellationToken).ConfigureAwait(false)).Child("AccessKeyLastUsed");
            keys.Add(new Key(id, member.Required("Status"), Date(member.Required("CreateDate")), used.ChildValue("LastUsedDate") is { } date ? Date(date) : null, used.ChildValue("ServiceName")));
        }

        var attached = (await client.ListAllAsync("ListAttachedUserPolicies", "AttachedPolicies", byName, cancellationToken).ConfigureAwait(false))
            .Select(p => (p.Required("PolicyName"), p.Required("PolicyArn"))).ToList();
        var inline = (await client.ListAllAsync("ListUserPolicies", "PolicyNames", byName, cancellationToken).ConfigureAwait(false))
            .Select(p => p.Value).ToList();
        var groups = (await client.ListAllAsync("ListGroupsForUser", "Groups", byName, cancellationToken).ConfigureAwait(false))
            .Select(g => g.Required("GroupName")).ToList();
        return new TenantUser(name, user.Required("Arn"), Date(user.Required("CreateDate")), TenantSpace.FromTags(name, tags), keys, attached, inline, groups);
    }

    public static DateTimeOffset Date(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>An access key of the user, and when and where it was last used (null: never).</summary>
    public sealed record Key(string Id, string Status, DateTimeOffset Created, DateTimeOffset? LastUsed, string? LastService);
}
