using System.Text.Json;
using System.Xml;
using Coffer.Protocol.Xml;

namespace Coffer.Protocol.S3;

/// <summary>
/// A bucket's default encryption (PutBucketEncryption): SSE-S3 (AES256), or SSE-KMS (aws:kms)
/// with an optional key; with none configured every bucket defaults to SSE-S3, as on AWS.
/// </summary>
internal sealed record BucketEncryption(string Algorithm, string? KmsKeyId, bool BucketKeyEnabled)
{
    public const string ConfigName = "encryption";
    public const string Aes256 = "AES256";
    public const string AwsKms = "aws:kms";
    public const string AwsKmsDsse = "aws:kms:dsse";

    public static BucketEncryption Default { get; } = new(Aes256, null, false);

    /// <summary>Every write reads its bucket's default, so it is cached until it changes.</summary>
    public static BucketConfigCache<BucketEncryption> Cache(Storage.IMetadataStore metadata) => new(metadata, ConfigName, (_, json) => FromJson(json));

    /// <summary>The configuration of a PutBucketEncryption body, with S3's errors for what it refuses.</summary>
    public static BucketEncryption FromXml(byte[] body)
    {
        var root = SafeXml.Parse(body).DocumentElement!;
        if (root.LocalName != "ServerSideEncryptionConfiguration")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var rules = SafeXml.Children(root, "Rule").ToList();
        if (rules.Count != 1)
        {
            // S3 takes exactly one rule.
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var apply = SafeXml.Children(rules[0], "ApplyServerSideEncryptionByDefault").ToList();
        var bucketKey = SafeXml.ChildText(rules[0], "BucketKeyEnabled")?.Trim();
        if (apply.Count != 1 || bucketKey is not (null or "true" or "false"))
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var algorithm = SafeXml.ChildText(apply[0], "SSEAlgorithm")?.Trim();
        var keyId = SafeXml.ChildText(apply[0], "KMSMasterKeyID")?.Trim();
        switch (algorithm)
        {
            case Aes256 or AwsKms:
                break;
            case AwsKmsDsse:
                throw new S3Exception(S3ErrorCode.NotImplemented, "Dual-layer server-side encryption (aws:kms:dsse) is not implemented by this server.");
            default:
                throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        if (keyId is { Length: 0 })
        {
            keyId = null;
        }

        if (keyId is not null && algorithm != AwsKms)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse")
                .With("ArgumentName", "ApplyServerSideEncryptionByDefault");
        }

        return new BucketEncryption(algorithm, keyId, bucketKey == "true");
    }

    public void WriteXml(XmlBuilder xml)
    {
        xml.Start("ServerSideEncryptionConfiguration", S3Context.Xmlns)
            .Start("Rule")
            .Start("ApplyServerSideEncryptionByDefault")
            .Element("SSEAlgorithm", Algorithm);
        if (KmsKeyId is not null)
        {
            xml.Element("KMSMasterKeyID", KmsKeyId);
        }

        xml.End("ApplyServerSideEncryptionByDefault")
            .Element("BucketKeyEnabled", BucketKeyEnabled ? "true" : "false")
            .End("Rule")
            .End("ServerSideEncryptionConfiguration");
    }

    /// <summary>The stored form (bucket configuration rows hold text).</summary>
    public string ToJson() => JsonSerializer.Serialize(new Stored(Algorithm, KmsKeyId, BucketKeyEnabled), BucketEncryptionJsonContext.Default.Stored);

    public static BucketEncryption FromJson(string? json)
    {
        if (json is null)
        {
            return Default;
        }

        var stored = JsonSerializer.Deserialize(json, BucketEncryptionJsonContext.Default.Stored)
            ?? throw new InvalidOperationException("A stored bucket encryption configuration is empty.");
        return new BucketEncryption(stored.Algorithm, stored.KmsKeyId, stored.BucketKeyEnabled);
    }

    internal sealed record Stored(string Algorithm, string? KmsKeyId, bool BucketKeyEnabled);
}
