namespace Coffer.Storage.Lifecycle;

/// <summary>
/// Which objects a lifecycle rule applies to: a key prefix, tags (all must be on the version),
/// and size bounds, both strict as in S3. <see cref="Shape"/> keeps how the client wrote it.
/// </summary>
public sealed record LifecycleFilter
{
    /// <summary>The prefix as given; null when none was (the whole bucket).</summary>
    public string? Prefix { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    public long? ObjectSizeGreaterThan { get; init; }

    public long? ObjectSizeLessThan { get; init; }

    public FilterShape Shape { get; init; } = FilterShape.Filter;

    public bool HasTags => Tags.Count > 0;

    public bool HasSizeBounds => ObjectSizeGreaterThan is not null || ObjectSizeLessThan is not null;

    public bool MatchesKey(string key) => key.StartsWith(Prefix ?? string.Empty, StringComparison.Ordinal);

    /// <summary>Whether a version with this key, these tags and this size is in the rule's scope.</summary>
    public bool Matches(string key, IReadOnlyList<KeyValuePair<string, string>> tags, long size)
    {
        if (!MatchesKey(key)
            || (ObjectSizeGreaterThan is { } above && size <= above)
            || (ObjectSizeLessThan is { } below && size >= below))
        {
            return false;
        }

        foreach (var (name, value) in Tags)
        {
            if (!tags.Any(t => t.Key == name && t.Value == value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A delete marker has neither tags nor content, so only a filter without tags or sizes takes it in.</summary>
    public bool MatchesDeleteMarker(string key) => MatchesKey(key) && !HasTags && !HasSizeBounds;
}
