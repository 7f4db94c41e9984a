using Coffer.Policy;

namespace Coffer.Identity;

/// <summary>The identity policies that apply to a principal, compiled and cached until IAM changes them.</summary>
public interface IPrincipalPolicies
{
    /// <summary>
    /// A user's inline and attached policies and those of its groups; a role session's role's
    /// inline and attached policies. Empty for root and for a principal that no longer exists.
    /// </summary>
    ValueTask<IReadOnlyList<PolicySource>> ForAsync(Principal principal, CancellationToken cancellationToken);
}
