namespace Coffer.Audit.Delivery;

/// <summary>An object read back from the log bucket: its bytes and its x-amz-meta-* entries (names without the prefix).</summary>
public sealed record AuditBucketObject(byte[] Content, IReadOnlyList<KeyValuePair<string, string>> Metadata)
{
    public string? MetadataValue(string name) =>
        Metadata.FirstOrDefault(m => string.Equals(m.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
