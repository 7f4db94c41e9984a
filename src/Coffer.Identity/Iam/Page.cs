namespace Coffer.Identity.Iam;

/// <summary>One page of a listing; <see cref="Marker"/> continues it when <see cref="IsTruncated"/>.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, bool IsTruncated, string? Marker);
