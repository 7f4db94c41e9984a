using Coffer.Policy.Matching;

namespace Coffer.Policy;

/// <summary>A role's trust policy, as STS consults it before issuing a session.</summary>
public static class TrustPolicies
{
    /// <summary>
    /// Whether the trust policy lets the caller in: an Allow applies to the request and names the
    /// caller (its ARN, its role, its account, or everyone), and no Deny applies. The caller's own
    /// identity policies are judged separately.
    /// </summary>
    public static bool Admits(PolicySource trustPolicy, RequestContext context)
    {
        ArgumentNullException.ThrowIfNull(trustPolicy);
        ArgumentNullException.ThrowIfNull(context);
        var outcome = PolicyEvaluator.EvaluatePolicy(trustPolicy, context, trace: null);
        return !outcome.Denied && outcome.Allowed && outcome.Grant != PrincipalMatch.None;
    }
}
