namespace Coffer.Identity.Iam;

/// <summary>The entities policies attach to.</summary>
public enum IamEntityKind
{
    User,
    Group,
    Role,
}
