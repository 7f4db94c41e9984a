namespace Coffer.Policy;

/// <summary>A request context with every policy that bears on it.</summary>
public sealed class AuthorizationRequest
{
    public required RequestContext Context { get; init; }

    /// <summary>The caller's identity policies: its own, its groups', or its role's (inline and attached).</summary>
    public IReadOnlyList<PolicySource> IdentityPolicies { get; init; } = [];

    /// <summary>The resource's policy (a bucket policy), if any.</summary>
    public PolicySource? ResourcePolicy { get; init; }

    /// <summary>Session policies of a role session; when present they can only narrow.</summary>
    public IReadOnlyList<PolicySource> SessionPolicies { get; init; } = [];
}
