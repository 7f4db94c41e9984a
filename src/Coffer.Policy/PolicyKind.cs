namespace Coffer.Policy;

/// <summary>Where a policy is attached; decides which elements it may and must contain.</summary>
public enum PolicyKind
{
    /// <summary>Managed or inline policy on a user, group or role: no Principal.</summary>
    Identity,

    /// <summary>Bucket policy: Principal or NotPrincipal required.</summary>
    Resource,

    /// <summary>A role's trust (assume-role) policy: Principal required, sts actions only.</summary>
    Trust,

    /// <summary>A session policy passed to AssumeRole: like an identity policy.</summary>
    Session,
}
