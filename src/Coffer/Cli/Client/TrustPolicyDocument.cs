using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Cli.Client;

/// <summary>
/// A role's trust policy (AssumeRolePolicyDocument) as <c>coffer roles</c> reads and edits it:
/// granted users are added to a statement of their own and removed from every Allow that names
/// them; all other statements and principals are kept as they were.
/// </summary>
internal static class TrustPolicyDocument
{
    private const string GrantsSid = "CofferGrants";

    /// <summary>
    /// The templates' trust policy: the account, so that whoever the account's own policies allow
    /// sts:AssumeRole on the role (root, admins, granted users and groups) may assume it.
    /// </summary>
    public static string ForAccount(string account) => JsonSerializer.Serialize(new
    {
        Version = "2012-10-17",
        Statement = new[]
        {
            new { Sid = "CofferAccount", Effect = "Allow", Principal = new { AWS = $"arn:aws:iam::{account}:root" }, Action = "sts:AssumeRole" },
        },
    });

    /// <summary>The user ARNs named by the Allow statements.</summary>
    public static List<string> Users(string document) =>
        [.. Statements(Parse(document)).Where(IsAllow).SelectMany(s => Values((s["Principal"] as JsonObject)?["AWS"])).Where(IsUserArn).Distinct(StringComparer.Ordinal)];

    /// <summary>The document with <paramref name="userArn"/> added to the CofferGrants statement; null when an Allow names it already.</summary>
    public static string? WithUser(string document, string userArn)
    {
        if (Users(document).Contains(userArn, StringComparer.Ordinal))
        {
            return null;
        }

        var root = Parse(document);
        var statements = StatementArray(root);
        var principal = statements.OfType<JsonObject>()
            .Where(s => (string?)s["Sid"] == GrantsSid && IsAllow(s))
            .Select(s => s["Principal"] as JsonObject)
            .FirstOrDefault(p => p is not null);
        if (principal is null)
        {
            principal = [];
            statements.Add(new JsonObject { ["Sid"] = GrantsSid, ["Effect"] = "Allow", ["Principal"] = principal, ["Action"] = "sts:AssumeRole" });
        }

        principal["AWS"] = Array([.. Values(principal["AWS"]), userArn]);
        return root.ToJsonString();
    }

    /// <summary>
    /// The document without the ARNs of user <paramref name="userName"/> in any Allow (a statement
    /// left naming no one is dropped), and what was removed; null when no Allow names the user.
    /// </summary>
    public static (string? Document, List<string> Removed) WithoutUser(string document, string account, string userName)
    {
        var root = Parse(document);
        var statements = StatementArray(root);
        var removed = new List<string>();
        for (var i = statements.Count - 1; i >= 0; i--)
        {
            if (statements[i] is not JsonObject statement || !IsAllow(statement) || statement["Principal"] is not JsonObject principal)
            {
                continue;
            }

            var named = Values(principal["AWS"]);
            var kept = named.Where(arn => !NamesUser(arn, account, userName)).ToList();
            if (kept.Count == named.Count)
            {
                continue;
            }

            removed.AddRange(named.Except(kept, StringComparer.Ordinal));
            if (kept.Count > 0)
            {
                principal["AWS"] = Array(kept);
            }
            else if (principal.Remove("AWS") && principal.Count == 0)
            {
                statements.RemoveAt(i);
            }
        }

        if (removed.Count == 0)
        {
            return (null, []);
        }

        // IAM refuses a trust policy without statements; the role would have to be deleted instead.
        return statements.Count > 0
            ? (root.ToJsonString(), [.. removed.Distinct(StringComparer.Ordinal)])
            : throw new CofferApiException("InvalidInput", $"user {userName} is the only principal of the trust policy: delete the role, or edit its trust policy with aws iam update-assume-role-policy", 400);
    }

    private static bool NamesUser(string arn, string account, string userName) =>
        IsUserArn(arn) && arn.Split(':')[4] == account && arn[(arn.LastIndexOf('/') + 1)..] == userName;

    private static bool IsUserArn(string arn)
    {
        var parts = arn.Split(':', 6);
        return parts.Length == 6 && parts[0] == "arn" && parts[2] == "iam" && parts[5].StartsWith("user/", StringComparison.Ordinal);
    }

    private static bool IsAllow(JsonObject statement) => (string?)statement["Effect"] == "Allow";

    private static JsonObject Parse(string document) =>
        JsonNode.Parse(document) as JsonObject ?? throw new CofferApiException("InvalidResponse", "the role's trust policy is not a JSON object", 200);

    private static IEnumerable<JsonObject> Statements(JsonObject root) => root["Statement"] switch
    {
        JsonObject single => [single],
        JsonArray many => many.OfType<JsonObject>(),
        _ => [],
    };

    /// <summary>The Statement array, made one when the document has a single statement object.</summary>
    private static JsonArray StatementArray(JsonObject root)
    {
        if (root["Statement"] is JsonArray statements)
        {
            return statements;
        }

        var single = root["Statement"];
        root.Remove("Statement");
        statements = single is null ? [] : [single];
        root["Statement"] = statements;
        return statements;
    }

    /// <summary>A string or an array of strings, as policies write principals.</summary>
    private static List<string> Values(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => [text],
        JsonArray array => [.. array.OfType<JsonValue>().Select(v => v.TryGetValue<string>(out var text) ? text : null).OfType<string>()],
        _ => [],
    };

    private static JsonArray Array(IEnumerable<string> values) => [.. values.Select(v => (JsonNode?)JsonValue.Create(v))];
}
