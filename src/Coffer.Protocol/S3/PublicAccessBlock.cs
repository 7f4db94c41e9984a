using System.Xml;
using Coffer.Protocol.Xml;

namespace Coffer.Protocol.S3;

/// <summary>
/// S3 Block Public Access: a bucket's PublicAccessBlockConfiguration, or the server's account-wide
/// one. The effective block of a bucket is the account's OR the bucket's, flag by flag, as on AWS.
/// </summary>
/// <remarks>
/// Every bucket is created with all four flags on (as AWS does since April 2023). A bucket with no
/// stored configuration, such as one created before Coffer had the block, is treated as fully
/// blocked too; only DeletePublicAccessBlock leaves a bucket without one, which
/// GetPublicAccessBlock then reports as NoSuchPublicAccessBlockConfiguration.
/// </remarks>
public sealed record PublicAccessBlock(bool BlockPublicAcls, bool IgnorePublicAcls, bool BlockPublicPolicy, bool RestrictPublicBuckets)
{
    public const string ConfigName = "publicAccessBlock";

    /// <summary>What a deleted configuration is stored as: nothing blocked, and nothing to report.</summary>
    internal const string DeletedMarker = "deleted";

    private static readonly string[] FlagNames = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];

    public static PublicAccessBlock All { get; } = new(true, true, true, true);

    public static PublicAccessBlock None { get; } = new(false, false, false, false);

    /// <summary>The most restrictive combination of two blocks (AWS: account-level OR bucket-level).</summary>
    public PublicAccessBlock Or(PublicAccessBlock other) => new(
        BlockPublicAcls || other.BlockPublicAcls,
        IgnorePublicAcls || other.IgnorePublicAcls,
        BlockPublicPolicy || other.BlockPublicPolicy,
        RestrictPublicBuckets || other.RestrictPublicBuckets);

    /// <summary>
    /// The account-wide setting: empty or <c>false</c> for none, <c>true</c> for all four, or a
    /// comma-separated list of the flags to turn on (e.g. <c>BlockPublicPolicy,RestrictPublicBuckets</c>).
    /// </summary>
    public static bool TryParseSetting(string? value, out PublicAccessBlock block)
    {
        block = None;
        var text = value?.Trim() ?? string.Empty;
        if (text.Length == 0 || text.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (text.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            block = All;
            return true;
        }

        var flags = new bool[4];
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var index = Array.FindIndex(FlagNames, flag => flag.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (index < 0)
            {
                return false;
            }

            flags[index] = true;
        }

        block = new PublicAccessBlock(flags[0], flags[1], flags[2], flags[3]);
        return true;
    }

    /// <summary>A PutPublicAccessBlock body; absent flags are false, as S3 reads them.</summary>
    public static PublicAccessBlock FromXml(byte[] body)
    {
        var root = SafeXml.Parse(body).DocumentElement!;
        if (root.LocalName != "PublicAccessBlockConfiguration")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var flags = new bool[4];
        var seen = new bool[4];
        foreach (var child in root.ChildNodes)
        {
            switch (child)
            {
                case XmlElement element:
                    var index = Array.IndexOf(FlagNames, element.LocalName);
                    if (index < 0 || seen[index] || element.HasChildNodes && element.ChildNodes.OfType<XmlElement>().Any())
                    {
                        throw new S3Exception(S3ErrorCode.MalformedXML);
                    }

                    seen[index] = true;
                    flags[index] = element.InnerText.Trim() switch
                    {
                        "true" => true,
                        "false" => false,
                        _ => throw new S3Exception(S3ErrorCode.MalformedXML),
                    };
                    break;
                case XmlText text when !string.IsNullOrWhiteSpace(text.Value):
                    throw new S3Exception(S3ErrorCode.MalformedXML);
            }
        }

        return new PublicAccessBlock(flags[0], flags[1], flags[2], flags[3]);
    }

    public XmlBuilder WriteXml(XmlBuilder xml) => xml
        .Start("PublicAccessBlockConfiguration", S3Context.Xmlns)
        .Element("BlockPublicAcls", BlockPublicAcls)
        .Element("IgnorePublicAcls", IgnorePublicAcls)
        .Element("BlockPublicPolicy", BlockPublicPolicy)
        .Element("RestrictPublicBuckets", RestrictPublicBuckets)
        .End("PublicAccessBlockConfiguration");

    /// <summary>The stored form (bucket configuration rows hold text): the flags that are on, comma-separated.</summary>
    public string ToStored()
    {
        var on = new List<string>(4);
        if (BlockPublicAcls)
        {
            on.Add(FlagNames[0]);
        }

        if (IgnorePublicAcls)
        {
            on.Add(FlagNames[1]);
        }

        if (BlockPublicPolicy)
        {
            on.Add(FlagNames[2]);
        }

        if (RestrictPublicBuckets)
        {
            on.Add(FlagNames[3]);
        }

        return on.Count == 0 ? "false" : string.Join(',', on);
    }

    /// <summary>
    /// A stored configuration; <paramref name="configured"/> is false for the marker DeletePublicAccessBlock
    /// leaves. A stored form that cannot be read blocks everything rather than open the bucket.
    /// </summary>
    internal static PublicAccessBlock FromStored(string text, out bool configured)
    {
        configured = text != DeletedMarker;
        if (!configured)
        {
            return None;
        }

        return TryParseSetting(text, out var block) ? block : All;
    }

    /// <summary>What a bucket's requests consult, cached until it changes; null when it has no stored row.</summary>
    internal static BucketConfigCache<Stored> Cache(Storage.IMetadataStore metadata) =>
        new(metadata, ConfigName, (_, text) => new Stored(FromStored(text, out var configured), configured));

    /// <summary>A bucket's stored configuration; <see cref="Configured"/> is false once deleted.</summary>
    internal sealed record Stored(PublicAccessBlock Block, bool Configured);
}
