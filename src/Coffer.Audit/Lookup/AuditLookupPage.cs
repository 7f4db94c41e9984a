namespace Coffer.Audit.Lookup;

/// <summary>A page of events, newest first; <see cref="NextToken"/> is null on the last page.</summary>
public sealed record AuditLookupPage(IReadOnlyList<AuditLookupEvent> Events, string? NextToken);
