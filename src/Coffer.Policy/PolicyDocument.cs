namespace Coffer.Policy;

/// <summary>A parsed, validated and compiled policy. Immutable and shared between requests.</summary>
public sealed class PolicyDocument
{
    private PolicyDocument(string json, PolicyKind kind, string version, string? id, IReadOnlyList<PolicyStatement> statements)
    {
        Json = json;
        Kind = kind;
        Version = version;
        Id = id;
        Statements = statements;
    }

    /// <summary>The document exactly as written.</summary>
    public string Json { get; }

    public PolicyKind Kind { get; }

    public string Version { get; }

    public string? Id { get; }

    public IReadOnlyList<PolicyStatement> Statements { get; }

    /// <summary>Whether a resource policy grants access to anyone, in S3's meaning of "public".</summary>
    public bool GrantsPublicAccess => throw new NotImplementedException();

    /// <summary>Parses and compiles; throws <see cref="MalformedPolicyException"/> saying where the document is wrong.</summary>
    public static PolicyDocument Parse(string json, PolicyKind kind) =>
        throw new NotImplementedException();
}
