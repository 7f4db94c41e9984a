using System.Text.Json;

namespace Coffer.Cli.Client;

/// <summary><c>coffer roles list</c>: the role templates, their bucket, and who may assume them.</summary>
internal static class RolesListCommand
{
    public const string Usage = """
        usage: coffer roles list [--json]

        Lists the roles `coffer roles init` made (path /coffer/, tag coffer:template): their kind,
        their bucket, the users their trust policy names and the groups holding a
        coffer-assume-ROLE policy.

        example:
          coffer roles list --json
        """;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, [], [], ListAsync);

    private static async Task<int> ListAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        if (line.Positionals.Count > 0)
        {
            throw new UsageException($"unexpected argument {line.Positionals[0]}");
        }

        var templates = new List<RoleInfo>();
        foreach (var listed in await client.ListAllAsync("ListRoles", "Roles", [new("PathPrefix", RoleTemplate.Path)], cancellationToken).ConfigureAwait(false))
        {
            // ListRoles leaves tags out; a role deleted meanwhile is skipped.
            if (await RoleInfo.FindAsync(client, listed.Required("RoleName"), cancellationToken).ConfigureAwait(false) is { TemplateKind: not null } role)
            {
                templates.Add(role);
            }
        }

        var groups = templates.Count == 0 ? [] : await GrantedGroupsAsync(client, cancellationToken).ConfigureAwait(false);
        var rows = templates.Select(r => new
        {
            name = r.Name,
            arn = r.Arn,
            kind = r.TemplateKind,
            bucket = r.Bucket,
            users = TrustPolicyDocument.Users(r.TrustPolicy),
            groups = groups.GetValueOrDefault(r.Name) ?? [],
        }).ToList();
        if (line.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(rows, JsonOptions));
            return 0;
        }

        if (rows.Count == 0)
        {
            Console.WriteLine("no role templates; `coffer roles init --bucket BUCKET` creates them");
            return 0;
        }

        Table.Write(
            Console.Out,
            ["ROLE", "KIND", "BUCKET", "USERS", "GROUPS"],
            rows.Select(r => new[] { r.name, r.kind!, r.bucket ?? "-", Names(r.users.Select(a => a[(a.LastIndexOf('/') + 1)..])), Names(r.groups) }));
        return 0;
    }

    /// <summary>Role name → the groups whose coffer-assume-ROLE inline policy grants it.</summary>
    private static async Task<Dictionary<string, List<string>>> GrantedGroupsAsync(CofferClient client, CancellationToken cancellationToken)
    {
        var prefix = Grantee.PolicyName(string.Empty);
        var granted = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var group in await client.ListAllAsync("ListGroups", "Groups", [], cancellationToken).ConfigureAwait(false))
        {
            var name = group.Required("GroupName");
            foreach (var policy in await client.ListAllAsync("ListGroupPolicies", "PolicyNames", [new("GroupName", name)], cancellationToken).ConfigureAwait(false))
            {
                if (policy.Value.StartsWith(prefix, StringComparison.Ordinal))
                {
                    var role = policy.Value[prefix.Length..];
                    if (!granted.TryGetValue(role, out var names))
                    {
                        granted[role] = names = [];
                    }

                    names.Add(name);
                }
            }
        }

        return granted;
    }

    private static string Names(IEnumerable<string> names) => string.Join(",", names) is { Length: > 0 } joined ? joined : "-";
}
