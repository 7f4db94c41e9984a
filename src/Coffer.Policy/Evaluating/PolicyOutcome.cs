using Coffer.Policy.Matching;

namespace Coffer.Policy.Evaluating;

/// <summary>What one policy said about a request.</summary>
internal struct PolicyOutcome
{
    public bool Denied;

    public bool Allowed;

    /// <summary>For a resource policy, the strongest way an applying Allow named the caller.</summary>
    public PrincipalMatch Grant;
}
