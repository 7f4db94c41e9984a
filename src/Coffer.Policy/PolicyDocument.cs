using Coffer.Policy.Conditions;
using Coffer.Policy.Parsing;

namespace Coffer.Policy;

/// <summary>A parsed, validated and compiled policy. Immutable and shared between requests.</summary>
public sealed class PolicyDocument
{
    /// <summary>Keys that pin a grant to known callers or networks (S3's "The meaning of public").</summary>
    private static readonly HashSet<string> FixedValueKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "aws:SourceIp", "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceAccount", "aws:SourceOwner",
        "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:userid", "aws:username",
    };

    private PolicyDocument(string json, PolicyKind kind, string version, string? id, IReadOnlyList<PolicyStatement> statements)
    {
        Json = json;
        Kind = kind;
        Version = version;
        Id = id;
        Statements = statements;
        GrantsPublicAccess = ComputeGrantsPublicAccess(statements);
        _conditionKeys = statements
            .SelectMany(s => s.Conditions)
            .SelectMany(c => c.VariableKeys.Prepend(c.Key))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
    }

    /// <summary>Every condition key the document's conditions name or use as a variable.</summary>
    private readonly string[] _conditionKeys;

    /// <summary>The document exactly as written.</summary>
    public string Json { get; }

    public PolicyKind Kind { get; }

    /// <summary>"2012-10-17", or "2008-10-17" when the document has no Version (then policy variables are plain text).</summary>
    public string Version { get; }

    public string? Id { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>
    /// Whether an Allow statement names everyone ("*") without a condition pinning a fixed-value key
    /// (aws:SourceIp, aws:SourceArn, aws:PrincipalAccount, ...) to values without wildcards.
    /// </summary>
    public bool GrantsPublicAccess { get; }

    /// <summary>
    /// Whether a condition names a key starting with <paramref name="prefix"/> (case-insensitive), so
    /// that keys costing a lookup, such as s3:ExistingObjectTag/*, are worked out only when asked for.
    /// </summary>
    public bool MentionsConditionKey(string prefix)
    {
        foreach (var key in _conditionKeys)
        {
            if (key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses and compiles; throws <see cref="MalformedPolicyException"/> saying where the document is wrong.</summary>
    public static PolicyDocument Parse(string json, PolicyKind kind)
    {
        var (version, id, statements) = PolicyParser.Parse(json, kind);
        return new PolicyDocument(json, kind, version, id, statements);
    }

    private static bool ComputeGrantsPublicAccess(IReadOnlyList<PolicyStatement> statements)
    {
        foreach (var statement in statements)
        {
            if (statement.Effect != Effect.Allow || statement.Principals is not { Everyone: true } || statement.PrincipalIsNegated)
            {
                continue;
            }

            var pinned = false;
            foreach (var clause in statement.Conditions)
            {
                pinned |= FixedValueKeys.Contains(clause.Key) && clause.PinsToFixedValues;
            }

            if (!pinned)
            {
                return true;
            }
        }

        return false;
    }
}
