namespace Coffer.Cli.Client;

/// <summary>What <c>coffer roles</c> needs to know of a role, from IAM GetRole.</summary>
internal sealed record RoleInfo(string Name, string Arn, string TrustPolicy, IReadOnlyDictionary<string, string> Tags)
{
    public string Account => Arn.Split(':')[4];

    /// <summary>uploader, viewer or admin for a role made by <c>coffer roles init</c>; null for other roles.</summary>
    public string? TemplateKind => Tags.GetValueOrDefault(RoleTemplate.KindTag);

    public string? Bucket => Tags.GetValueOrDefault(RoleTemplate.BucketTag);

    public static async Task<RoleInfo> GetAsync(CofferClient client, string name, CancellationToken cancellationToken)
    {
        var result = await client.QueryAsync("iam", "GetRole", [new("RoleName", name)], cancellationToken).ConfigureAwait(false);
        var role = result.Child("Role");
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var tag in role.Child("Tags").Children("member"))
        {
            tags[tag.Required("Key")] = tag.ChildValue("Value") ?? string.Empty;
        }

        // IAM returns policy documents URL-encoded.
        return new RoleInfo(role.Required("RoleName"), role.Required("Arn"), Uri.UnescapeDataString(role.Required("AssumeRolePolicyDocument")), tags);
    }

    /// <summary>The role, or null when there is none of that name.</summary>
    public static async Task<RoleInfo?> FindAsync(CofferClient client, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync(client, name, cancellationToken).ConfigureAwait(false);
        }
        catch (CofferApiException e) when (e.Code == "NoSuchEntity")
        {
            return null;
        }
    }

    public async Task UpdateTrustPolicyAsync(CofferClient client, string document, CancellationToken cancellationToken) =>
        await client.QueryAsync("iam", "UpdateAssumeRolePolicy", [new("RoleName", Name), new("PolicyDocument", document)], cancellationToken).ConfigureAwait(false);
}
