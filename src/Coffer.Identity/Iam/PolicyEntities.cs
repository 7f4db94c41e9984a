namespace Coffer.Identity.Iam;

/// <summary>Who a managed policy is attached to: (name, id) of each.</summary>
public sealed record PolicyEntities(
    IReadOnlyList<(string Name, string Id)> Groups,
    IReadOnlyList<(string Name, string Id)> Users,
    IReadOnlyList<(string Name, string Id)> Roles);
