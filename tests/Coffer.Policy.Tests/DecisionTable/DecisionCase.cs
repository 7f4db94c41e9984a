namespace Coffer.Policy.Tests.DecisionTable;

/// <summary>One row: the policies in force, one request, and the decision AWS documents for it.</summary>
internal sealed record DecisionCase(
    string Name,
    string[] IdentityPolicies,
    string? ResourcePolicy,
    PolicyKind ResourcePolicyKind,
    string[] SessionPolicies,
    CallerIdentity? Caller,
    string Action,
    string Resource,
    (string Key, string[] Values)[] Keys,
    Decision Expected)
{
    public AuthorizationRequest ToRequest()
    {
        var keys = new ContextKeys();
        if (Caller is { } caller)
        {
            // What the server puts in every authenticated request's context.
            keys.Set("aws:PrincipalArn", caller.RoleArn ?? caller.Arn);
            keys.Set("aws:PrincipalAccount", caller.AccountId);
            if (caller.Arn.Contains(":user/", StringComparison.Ordinal))
            {
                keys.Set("aws:username", caller.Arn[(caller.Arn.LastIndexOf('/') + 1)..]);
            }
        }

        foreach (var (key, values) in Keys)
        {
            keys.Set(key, values);
        }

        return new AuthorizationRequest
        {
            Context = new RequestContext { Action = Action, Resource = Resource, Caller = Caller, Keys = keys },
            IdentityPolicies = [.. IdentityPolicies.Select((json, i) =>
                new PolicySource($"identity-{i}", PolicySourceType.UserManaged, PolicyDocument.Parse(json, PolicyKind.Identity)))],
            ResourcePolicy = ResourcePolicy is null ? null
                : new PolicySource("resource", PolicySourceType.Resource, PolicyDocument.Parse(ResourcePolicy, ResourcePolicyKind)),
            SessionPolicies = [.. SessionPolicies.Select((json, i) =>
                new PolicySource($"session-{i}", PolicySourceType.Session, PolicyDocument.Parse(json, PolicyKind.Session)))],
        };
    }
}
