namespace Coffer.Storage.Objects;

/// <summary>What a metadata change replaced: the previous row, and blobs nothing refers to any more.</summary>
public sealed record WriteResult(ObjectInfo? Previous, IReadOnlyList<string> ReleasedBlobs)
{
    public static readonly WriteResult Nothing = new(null, []);
}
