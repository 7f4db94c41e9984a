namespace Coffer.Storage.Objects;

/// <summary>
/// What a metadata change did: the previous current row, blobs nothing refers to any more, and
/// the row it wrote (a version or a delete marker) or, for a delete by version id, removed.
/// </summary>
public sealed record WriteResult(ObjectInfo? Previous, IReadOnlyList<string> ReleasedBlobs, ObjectInfo? Written = null)
{
    public static readonly WriteResult Nothing = new(null, []);
}
