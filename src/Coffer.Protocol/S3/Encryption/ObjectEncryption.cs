using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coffer.Protocol.S3.Encryption;

/// <summary>
/// How one write is encrypted, stored beside it (the storage layer keeps it as opaque text): the
/// mode, the segment size, the write's random id (part of every segment's binding, so a blob
/// moved to another write fails), and the data key wrapped under a KMS key (SSE-S3, SSE-KMS) or
/// the customer's key (SSE-C, with a salted HMAC to recognise that key; the key itself is never
/// stored). An upload's settings carry no data key: each part has its own.
/// </summary>
internal sealed record ObjectEncryption
{
    public const int CurrentVersion = 1;
    public const string CustomerMode = "SSE-C";

    [JsonPropertyName("v")]
    public int Version { get; init; } = CurrentVersion;

    /// <summary>AES256 (SSE-S3), aws:kms (SSE-KMS) or SSE-C.</summary>
    [JsonPropertyName("mode")]
    public required string Mode { get; init; }

    [JsonPropertyName("seg")]
    public int SegmentSize { get; init; }

    [JsonPropertyName("id")]
    public string? WriteId { get; init; }

    /// <summary>The part this write is (0 for an object written whole); part of the binding.</summary>
    [JsonPropertyName("part")]
    public int PartNumber { get; init; }

    [JsonPropertyName("key")]
    public byte[]? WrappedKey { get; init; }

    [JsonPropertyName("kms")]
    public string? KmsKeyArn { get; init; }

    /// <summary>The caller's SSE-KMS encryption context, returned as x-amz-server-side-encryption-context.</summary>
    [JsonPropertyName("ctx")]
    public SortedDictionary<string, string>? Context { get; init; }

    [JsonPropertyName("bk")]
    public bool BucketKeyEnabled { get; init; }

    [JsonPropertyName("salt")]
    public byte[]? CustomerKeySalt { get; init; }

    [JsonPropertyName("hmac")]
    public byte[]? CustomerKeyHmac { get; init; }

    public bool IsCustomer => Mode == CustomerMode;

    public string ToJson() => JsonSerializer.Serialize(this, ObjectEncryptionJsonContext.Default.ObjectEncryption);

    public static ObjectEncryption FromJson(string json)
    {
        var value = JsonSerializer.Deserialize(json, ObjectEncryptionJsonContext.Default.ObjectEncryption)
            ?? throw new InvalidOperationException("An object's encryption record is empty.");
        return value.Version == CurrentVersion
            ? value
            : throw new InvalidOperationException($"An object's encryption record has version {value.Version}, which this server does not know.");
    }
}
