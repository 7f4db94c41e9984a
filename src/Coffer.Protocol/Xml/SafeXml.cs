using System.Xml;
using Coffer.Protocol.S3;

namespace Coffer.Protocol.Xml;

/// <summary>Parses request XML with DTDs, entities and external resources refused, and a size cap.</summary>
internal static class SafeXml
{
    public static async Task<XmlDocument> ReadAsync(Stream body, int maxBytes, CancellationToken cancellationToken) =>
        Parse(await ReadBytesAsync(body, maxBytes, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads a small request body whole, refusing more than <paramref name="maxBytes"/>.</summary>
    public static Task<byte[]> ReadBytesAsync(Stream body, int maxBytes, CancellationToken cancellationToken) =>
        Http.BoundedBody.ReadAsync(body, maxBytes, TooLarge, cancellationToken);

    public static S3Exception TooLarge() => new(S3ErrorCode.MalformedXML, "The XML you provided was larger than the maximum allowed size.");

    public static XmlDocument Parse(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        using var buffer = new MemoryStream(bytes, writable: false);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = bytes.Length + 1,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var reader = XmlReader.Create(buffer, settings);
            var document = new XmlDocument { XmlResolver = null };
            document.Load(reader);
            return document;
        }
        catch (XmlException)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }
    }

    /// <summary>Direct children of <paramref name="parent"/> named <paramref name="name"/>, whatever their namespace.</summary>
    public static IEnumerable<XmlElement> Children(XmlNode parent, string name) =>
        parent.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == name);

    public static string? ChildText(XmlNode parent, string name) => Children(parent, name).FirstOrDefault()?.InnerText;
}
