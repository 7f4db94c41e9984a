namespace Coffer.Storage.Objects;

/// <summary>The HTTP headers S3 stores with an object and returns on GET and HEAD.</summary>
public sealed class ObjectHeaders
{
    public string? ContentType { get; set; }

    public string? ContentEncoding { get; set; }

    public string? ContentDisposition { get; set; }

    public string? ContentLanguage { get; set; }

    public string? CacheControl { get; set; }

    public string? Expires { get; set; }

    /// <summary>x-amz-meta-* entries, names lower-cased and without the prefix, in the order received.</summary>
    public List<KeyValuePair<string, string>> UserMetadata { get; set; } = [];
}
