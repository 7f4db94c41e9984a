namespace Coffer.Cli.Client;

/// <summary>An IAM user as the user commands show and delete it: its space, keys, policies and groups.</summary>
internal sealed record TenantUser(
    string Name,
    string Arn,
    DateTimeOffset Created,
    TenantSpace? Space,
    IReadOnlyList<UserAccessKey> Keys,
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
        var tags = await UserAccessKey.TagsAsync(client, name, cancellationToken).ConfigureAwait(false);
        var keys = await UserAccessKey.ForUserAsync(client, name, tags, cancellationToken).ConfigureAwait(false);
        var attached = (await client.ListAllAsync("ListAttachedUserPolicies", "AttachedPolicies", byName, cancellationToken).ConfigureAwait(false))
            .Select(p => (p.Required("PolicyName"), p.Required("PolicyArn"))).ToList();
        var inline = (await client.ListAllAsync("ListUserPolicies", "PolicyNames", byName, cancellationToken).ConfigureAwait(false))
            .Select(p => p.Value).ToList();
        var groups = (await client.ListAllAsync("ListGroupsForUser", "Groups", byName, cancellationToken).ConfigureAwait(false))
            .Select(g => g.Required("GroupName")).ToList();
        return new TenantUser(name, user.Required("Arn"), Timestamps.Parse(user.Required("CreateDate"), "CreateDate"), TenantSpace.FromTags(name, tags), keys, attached, inline, groups);
    }
}
