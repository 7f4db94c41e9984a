using System.Text.Json;

namespace Coffer.Cli.Client;

/// <summary>
/// Who <c>coffer roles grant|revoke</c> is about: a user or a group (<see cref="Kind"/> "User" or
/// "Group", as IAM's action names spell it), and the inline policy that lets them assume a role.
/// </summary>
internal sealed record Grantee(string Kind, string Name)
{
    public bool IsUser => Kind == "User";

    /// <summary>UserName=NAME or GroupName=NAME, as the User/Group inline policy actions take it.</summary>
    public KeyValuePair<string, string> Parameter => new(Kind + "Name", Name);

    public static Grantee From(CommandLine line) => (line.Get("--user"), line.Get("--group")) switch
    {
        ({ } user, null) => new("User", user),
        (null, { } group) => new("Group", group),
        _ => throw new UsageException("give either --user NAME or --group NAME"),
    };

    public const string PolicyPrefix = "coffer-assume-";

    public static string PolicyName(string role) => PolicyPrefix + role;

    /// <summary>
    /// sts:AssumeRole on the role, and iam:GetRole so that the holder's CLI can find the role's
    /// ARN (with its path) from its name.
    /// </summary>
    public static string AssumePolicy(string roleArn) => JsonSerializer.Serialize(new
    {
        Version = "2012-10-17",
        Statement = new[] { new { Effect = "Allow", Action = new[] { "sts:AssumeRole", "iam:GetRole" }, Resource = roleArn } },
    });

    /// <summary>The document of the grantee's inline policy <paramref name="policyName"/>; null when it has none.</summary>
    public async Task<string?> InlinePolicyAsync(CofferClient client, string policyName, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.QueryAsync("iam", $"Get{Kind}Policy", [Parameter, new("PolicyName", policyName)], cancellationToken).ConfigureAwait(false);
            return Uri.UnescapeDataString(result.Required("PolicyDocument"));
        }
        catch (CofferApiException e) when (e.Code == "NoSuchEntity")
        {
            return null;
        }
    }

    public override string ToString() => $"{Kind.ToLowerInvariant()} {Name}";
}
