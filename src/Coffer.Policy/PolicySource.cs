namespace Coffer.Policy;

/// <summary>Where a policy came from, as IAM's policy simulator reports it.</summary>
public enum PolicySourceType
{
    User,
    Group,
    Role,
    UserManaged,
    Resource,
    Session,
    None,
}

/// <summary>A compiled policy and its origin (a managed policy's ARN, or e.g. "user/alex/inline-name").</summary>
public sealed record PolicySource(string Id, PolicySourceType Type, PolicyDocument Document);
