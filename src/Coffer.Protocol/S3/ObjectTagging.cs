using Coffer.Protocol.Http;
using Coffer.Protocol.Xml;

namespace Coffer.Protocol.S3;

/// <summary>
/// Object tags on the wire: the &lt;Tagging&gt; document of Put/GetObjectTagging, the x-amz-tagging
/// header (URL query form) of PutObject, CopyObject and CreateMultipartUpload, and S3's limits.
/// </summary>
internal static class ObjectTagging
{
    public const int MaxTags = 10;

    /// <summary>In UTF-16 code units, as S3 counts them.</summary>
    public const int MaxKeyLength = 128;

    public const int MaxValueLength = 256;

    /// <summary>The largest Tagging document read: ten tags at their longest, escaped, fit many times over.</summary>
    public const int MaxDocumentBytes = 64 * 1024;

    private const string HeaderMessage = "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";

    /// <summary>The tag set of a PutObjectTagging body, validated.</summary>
    public static List<KeyValuePair<string, string>> FromXml(byte[] body)
    {
        var root = SafeXml.Parse(body).DocumentElement!;
        if (root.LocalName != "Tagging" || SafeXml.Children(root, "TagSet").SingleOrDefault() is not { } tagSet)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var tags = new List<KeyValuePair<string, string>>();
        foreach (var tag in SafeXml.Children(tagSet, "Tag"))
        {
            var keys = SafeXml.Children(tag, "Key").ToList();
            var values = SafeXml.Children(tag, "Value").ToList();
            if (keys.Count != 1 || values.Count != 1)
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            tags.Add(new(keys[0].InnerText, values[0].InnerText));
        }

        Validate(tags);
        return tags;
    }

    /// <summary>The tags of an x-amz-tagging header, validated; empty for an absent or empty header.</summary>
    public static List<KeyValuePair<string, string>> FromHeader(string? header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return [];
        }

        QueryParameters parsed;
        try
        {
            parsed = QueryParameters.Parse(header.AsSpan());
        }
        catch (FormatException)
        {
            throw S3Exception.InvalidArgument(HeaderMessage, "x-amz-tagging", header);
        }

        var tags = parsed.Items.ToList();
        if (tags.Select(t => t.Key).Distinct(StringComparer.Ordinal).Count() != tags.Count)
        {
            throw S3Exception.InvalidArgument(HeaderMessage, "x-amz-tagging", header);
        }

        Validate(tags);
        return tags;
    }

    /// <summary>S3's limits: at most 10 tags, keys 1–128 characters, values up to 256, keys unique, no aws: prefix.</summary>
    public static void Validate(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        if (tags.Count > MaxTags)
        {
            throw new S3Exception(S3ErrorCode.BadRequest, "Object tags cannot be greater than 10");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            if (key.Length is 0 or > MaxKeyLength)
            {
                throw new S3Exception(S3ErrorCode.InvalidTag, "The TagKey you have provided is invalid").With("TagKey", key);
            }

            if (value.Length > MaxValueLength)
            {
                throw new S3Exception(S3ErrorCode.InvalidTag, "The TagValue you have provided is invalid").With("TagKey", key).With("TagValue", value);
            }

            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
            {
                throw new S3Exception(S3ErrorCode.InvalidTag, "Your TagKey cannot be prefixed with aws:").With("TagKey", key);
            }

            if (!seen.Add(key))
            {
                throw new S3Exception(S3ErrorCode.InvalidTag, "Cannot provide multiple Tags with the same key").With("TagKey", key);
            }
        }
    }

    public static XmlBuilder ToXml(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var xml = new XmlBuilder().Start("Tagging", S3Context.Xmlns).Start("TagSet");
        foreach (var (key, value) in tags)
        {
            xml.Start("Tag").Element("Key", key).Element("Value", value).End("Tag");
        }

        return xml.End("TagSet").End("Tagging");
    }
}
