namespace Coffer.Policy.Matching;

/// <summary>How a Principal element names the caller; the kind decides what an Allow grants on its own.</summary>
internal enum PrincipalMatch : byte
{
    None,

    /// <summary>The caller's account: the grant is delegated to the account's identity policies.</summary>
    Account,

    /// <summary>"*": everyone, anonymous included.</summary>
    Everyone,

    /// <summary>The role of the caller's session: session policies still apply.</summary>
    Role,

    /// <summary>The caller's own ARN (user, or role session): grants on its own.</summary>
    Exact,
}
