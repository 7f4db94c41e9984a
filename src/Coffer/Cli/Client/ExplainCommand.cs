using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;

namespace Coffer.Cli.Client;

/// <summary>
/// <c>coffer explain</c>: would this user be allowed this action on this resource, and which
/// statement of which policy decides it, from the server's SimulatePrincipalPolicy.
/// </summary>
internal static class ExplainCommand
{
    public const string Usage = """
        usage: coffer explain --user NAME --action ACTION --resource ARN [--context KEY=VALUE ...] [--json]

        Asks the server's policy simulator whether user NAME may perform ACTION on ARN, and which
        statement of which policy decided it: allowed, explicit deny, or implicit deny when no
        statement matched. aws:username=NAME is part of the context unless --context gives it;
        repeat --context KEY=VALUE for more keys (a key given twice is a list).

        example:
          coffer explain --user alice --action s3:GetObject --resource arn:aws:s3:::photos/alice/cat.jpg \
            --context aws:SecureTransport=true
        """;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--user", "--action", "--resource", "--context"], [], ExplainAsync);

    private static async Task<int> ExplainAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        if (line.Positionals.Count > 0)
        {
            throw new UsageException($"unexpected argument {line.Positionals[0]}");
        }

        var user = line.Required("--user");
        var action = line.Required("--action");
        var resource = line.Required("--resource");
        var context = ParseContext(line.All("--context"));
        if (!context.Any(c => string.Equals(c.Key, "aws:username", StringComparison.OrdinalIgnoreCase)))
        {
            context.Add(new("aws:username", [user]));
        }

        var userResult = await client.QueryAsync("iam", "GetUser", [new("UserName", user)], cancellationToken).ConfigureAwait(false);
        var userArn = XmlElements.Child(XmlElements.Child(userResult, "User"), "Arn")?.Value
            ?? throw new CofferApiException("InvalidResponse", "GetUser answered without the user's ARN", 200);

        var parameters = new List<KeyValuePair<string, string>>
        {
            new("PolicySourceArn", userArn),
            new("ActionNames.member.1", action),
            new("ResourceArns.member.1", resource),
        };
        for (var i = 0; i < context.Count; i++)
        {
            var prefix = $"ContextEntries.member.{i + 1}.";
            parameters.Add(new(prefix + "ContextKeyName", context[i].Key));
            parameters.Add(new(prefix + "ContextKeyType", context[i].Value.Count == 1 ? "string" : "stringList"));
            for (var j = 0; j < context[i].Value.Count; j++)
            {
                parameters.Add(new(prefix + "ContextKeyValues.member." + (j + 1).ToString(CultureInfo.InvariantCulture), context[i].Value[j]));
            }
        }

        var simulation = await client.QueryAsync("iam", "SimulatePrincipalPolicy", parameters, cancellationToken).ConfigureAwait(false);
        var result = Members(XmlElements.Child(simulation, "EvaluationResults")).FirstOrDefault()
            ?? throw new CofferApiException("InvalidResponse", "SimulatePrincipalPolicy answered without an evaluation result", 200);
        var decision = XmlElements.Child(result, "EvalDecision")?.Value ?? "implicitDeny";
        var statements = Members(XmlElements.Child(result, "MatchedStatements")).Select(Statement.From).ToList();
        var missing = Members(XmlElements.Child(result, "MissingContextValues")).Select(m => m.Value).ToList();

        if (line.Json)
        {
            var json = JsonSerializer.Serialize(
                new
                {
                    user,
                    userArn,
                    action,
                    resource,
                    decision,
                    matchedStatements = statements,
                    missingContextValues = missing,
                },
                JsonOptions);
            Console.WriteLine(json);
            return 0;
        }

        var verdict = decision switch
        {
            "allowed" => "allowed",
            "explicitDeny" => "explicit deny",
            _ => "implicit deny",
        };
        Console.WriteLine($"{verdict}: {user} {action} {resource}");
        if (statements.Count == 0)
        {
            Console.WriteLine("  no statement matched");
        }

        foreach (var s in statements)
        {
            Console.WriteLine($"  decided by policy {s.SourcePolicyId} ({s.SourcePolicyType}), statement at line {s.StartLine} column {s.StartColumn} to line {s.EndLine} column {s.EndColumn}");
        }

        if (missing.Count > 0)
        {
            Console.WriteLine($"  context keys the policies asked for but were not given: {string.Join(", ", missing)} (add --context KEY=VALUE)");
        }

        return 0;
    }

    private static List<KeyValuePair<string, List<string>>> ParseContext(IReadOnlyList<string> entries)
    {
        var result = new List<KeyValuePair<string, List<string>>>();
        foreach (var entry in entries)
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new UsageException($"--context {entry}: expected KEY=VALUE");
            }

            var key = entry[..eq];
            var existing = result.FindIndex(r => string.Equals(r.Key, key, StringComparison.OrdinalIgnoreCase));
            if (existing < 0)
            {
                result.Add(new(key, [entry[(eq + 1)..]]));
            }
            else
            {
                result[existing].Value.Add(entry[(eq + 1)..]);
            }
        }

        return result;
    }

    private static IEnumerable<XElement> Members(XElement? list) =>
        list?.Elements().Where(e => e.Name.LocalName == "member") ?? [];

    private sealed record Statement(string SourcePolicyId, string SourcePolicyType, int StartLine, int StartColumn, int EndLine, int EndColumn)
    {
        public static Statement From(XElement member)
        {
            var start = XmlElements.Child(member, "StartPosition");
            var end = XmlElements.Child(member, "EndPosition");
            return new Statement(
                XmlElements.Child(member, "SourcePolicyId")?.Value ?? string.Empty,
                XmlElements.Child(member, "SourcePolicyType")?.Value ?? string.Empty,
                Number(XmlElements.Child(start, "Line")),
                Number(XmlElements.Child(start, "Column")),
                Number(XmlElements.Child(end, "Line")),
                Number(XmlElements.Child(end, "Column")));
        }

        private static int Number(XElement? element) =>
            int.TryParse(element?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
    }
}
