using Coffer.Storage.Locking;

namespace Coffer.Storage.Objects;

public sealed class PutObjectRequest
{
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    public required ObjectHeaders Headers { get; init; }

    /// <summary>The declared length of the body, when known; a body of another length is rejected.</summary>
    public long? ExpectedLength { get; init; }

    public long MaxLength { get; init; } = ObjectStore.MaxSinglePutSize;

    /// <summary>Content-MD5, verified against the body before anything is stored.</summary>
    public byte[]? ExpectedMd5 { get; init; }

    /// <summary>Called once the body has been read whole (and every verifying stream around it has passed); its answer is stored.</summary>
    public Func<ObjectChecksum?>? ChecksumAfterBody { get; init; }

    /// <summary>The new version's tags (x-amz-tagging, or a copy source's).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags { get; init; } = [];

    /// <summary>The new version's object lock retention (explicit, or the bucket's default).</summary>
    public ObjectRetention? Retention { get; init; }

    public bool LegalHold { get; init; }

    public WriteCondition Condition { get; init; } = WriteCondition.None;

    /// <summary>How the body is sealed before it is stored; null stores it as it came.</summary>
    public IContentSealer? Sealer { get; init; }
}
