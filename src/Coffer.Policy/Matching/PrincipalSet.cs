namespace Coffer.Policy.Matching;

/// <summary>A Principal or NotPrincipal element: "*", accounts, and exact user, role or session ARNs.</summary>
internal sealed class PrincipalSet(bool everyone, string[] accounts, string[] arns)
{
    public bool Everyone { get; } = everyone;

    public string[] Accounts { get; } = accounts;

    /// <summary>User, role and assumed-role session ARNs, compared exactly (AWS allows no wildcards here).</summary>
    public string[] Arns { get; } = arns;

    public PrincipalMatch Match(CallerIdentity? caller)
    {
        if (caller is null)
        {
            return Everyone ? PrincipalMatch.Everyone : PrincipalMatch.None;
        }

        if (Contains(Arns, caller.Arn))
        {
            return PrincipalMatch.Exact;
        }

        if (caller.RoleArn is not null && Contains(Arns, caller.RoleArn))
        {
            return PrincipalMatch.Role;
        }

        if (Everyone)
        {
            return PrincipalMatch.Everyone;
        }

        return Contains(Accounts, caller.AccountId) ? PrincipalMatch.Account : PrincipalMatch.None;
    }

    /// <summary>
    /// NotPrincipal exempts a caller only when every identity it acts as is listed: its own ARN,
    /// its role for a session, and its account (AWS evaluates each, so each must be named).
    /// </summary>
    public bool Excludes(CallerIdentity? caller)
    {
        if (Everyone)
        {
            return true;
        }

        if (caller is null)
        {
            return false;
        }

        var accountListed = Contains(Accounts, caller.AccountId);
        var selfListed = Contains(Arns, caller.Arn) || (caller.IsRoot && accountListed);
        var roleListed = caller.RoleArn is null || Contains(Arns, caller.RoleArn);
        return accountListed && selfListed && roleListed;
    }

    private static bool Contains(string[] values, string value)
    {
        foreach (var candidate in values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
