using Coffer.Policy.Evaluating;
using Coffer.Policy.Matching;

namespace Coffer.Policy;

/// <summary>AWS's evaluation logic: explicit deny wins, then an allow, else implicit deny.</summary>
public static class PolicyEvaluator
{
    /// <summary>The decision alone; the per-request path, which should allocate little.</summary>
    public static Decision Decide(AuthorizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Evaluate(request, null);
    }

    /// <summary>The decision with the matching statements and missing keys, for the simulator.</summary>
    public static Evaluation Explain(AuthorizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var trace = new EvaluationTrace();
        var decision = Evaluate(request, trace);
        var missing = trace.MissingKeys.ToList();
        missing.Sort(StringComparer.OrdinalIgnoreCase);
        return new Evaluation
        {
            Decision = decision,
            MatchedStatements = decision switch
            {
                Decision.ExplicitDeny => trace.Denies,
                Decision.Allow => trace.Allows,
                _ => [],
            },
            MissingContextKeys = missing,
        };
    }

    /// <summary>
    /// One pass over every policy. Without a trace it stops at the first explicit deny; with
    /// one it visits everything, to report all deciding statements and missing keys.
    /// </summary>
    private static Decision Evaluate(AuthorizationRequest request, EvaluationTrace? trace)
    {
        var context = request.Context;
        var caller = context.Caller;

        var identityAllowed = false;
        var identity = request.IdentityPolicies;
        for (var i = 0; i < identity.Count; i++)
        {
            var outcome = EvaluatePolicy(identity[i], context, trace);
            if (outcome.Denied && trace is null)
            {
                return Decision.ExplicitDeny;
            }

            identityAllowed |= outcome.Allowed;
        }

        var sessions = request.SessionPolicies;
        var sessionAllowed = false;
        var denied = false;
        for (var i = 0; i < sessions.Count; i++)
        {
            var outcome = EvaluatePolicy(sessions[i], context, trace);
            if (outcome.Denied && trace is null)
            {
                return Decision.ExplicitDeny;
            }

            denied |= outcome.Denied;
            sessionAllowed |= outcome.Allowed;
        }

        var grant = PrincipalMatch.None;
        if (request.ResourcePolicy is { } resourcePolicy)
        {
            var outcome = EvaluatePolicy(resourcePolicy, context, trace);
            if (outcome.Denied && trace is null)
            {
                return Decision.ExplicitDeny;
            }

            denied |= outcome.Denied;
            grant = outcome.Grant;
        }

        if (denied || trace?.Denies.Count > 0)
        {
            return Decision.ExplicitDeny;
        }

        // A role's trust policy must name the caller (or its account) whatever identity policies say.
        if (request.ResourcePolicy?.Document.Kind == PolicyKind.Trust && grant == PrincipalMatch.None)
        {
            return Decision.ImplicitDeny;
        }

        if (caller is null)
        {
            // Anonymous: only a resource policy naming everyone can allow.
            return grant == PrincipalMatch.Everyone ? Decision.Allow : Decision.ImplicitDeny;
        }

        if (caller.IsRoot)
        {
            return Decision.Allow;
        }

        // Session policies narrow what the role (or "*") was granted, but not a grant to the session's own ARN.
        var sessionPermits = sessions.Count == 0 || sessionAllowed;
        return grant switch
        {
            PrincipalMatch.Exact => Decision.Allow,
            PrincipalMatch.Role or PrincipalMatch.Everyone when sessionPermits => Decision.Allow,
            _ => identityAllowed && sessionPermits ? Decision.Allow : Decision.ImplicitDeny,
        };
    }

    private static PolicyOutcome EvaluatePolicy(PolicySource source, RequestContext context, EvaluationTrace? trace)
    {
        var outcome = default(PolicyOutcome);
        var statements = source.Document.Statements;
        for (var i = 0; i < statements.Count; i++)
        {
            var statement = statements[i];
            if (!Applies(statement, context, trace, out var principal))
            {
                continue;
            }

            if (statement.Effect == Effect.Deny)
            {
                outcome.Denied = true;
                if (trace is null)
                {
                    return outcome;
                }

                trace.Denies.Add(new StatementMatch(source, statement));
            }
            else
            {
                outcome.Allowed = true;
                if (principal > outcome.Grant)
                {
                    outcome.Grant = principal;
                }

                trace?.Allows.Add(new StatementMatch(source, statement));
            }
        }

        return outcome;
    }

    private static bool Applies(PolicyStatement statement, RequestContext context, EvaluationTrace? trace, out PrincipalMatch principal)
    {
        principal = PrincipalMatch.None;
        if (!statement.Actions.Matches(context.Action))
        {
            return false;
        }

        var missingKeys = trace?.MissingKeys;
        if (statement.Resources is { } resources && !resources.Matches(context.Resource, context.Keys, missingKeys))
        {
            return false;
        }

        var applies = true;
        if (statement.Principals is { } principals)
        {
            if (statement.PrincipalIsNegated)
            {
                applies = !principals.Excludes(context.Caller);
                principal = PrincipalMatch.Everyone;
            }
            else
            {
                principal = principals.Match(context.Caller);
                applies = principal != PrincipalMatch.None;
            }

            // Explain still looks at the conditions, to list the keys they use.
            if (!applies && trace is null)
            {
                return false;
            }
        }

        foreach (var condition in statement.Conditions)
        {
            if (!condition.IsSatisfied(context.Keys, missingKeys))
            {
                applies = false;
                if (trace is null)
                {
                    return false;
                }
            }
        }

        return applies;
    }
}
