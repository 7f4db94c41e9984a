using System.Globalization;
using System.Text;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Xml;
using Coffer.Storage;
using Coffer.Storage.Listing;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>ListObjects (v1) and ListObjectsV2.</summary>
internal sealed class ListHandlers(ObjectStore store)
{
    private const int MaxKeys = 1000;

    public async Task ListV1Async(S3Context context)
    {
        var query = context.Query;
        var encode = EncodingType(context);
        var prefix = query.Get("prefix") ?? string.Empty;
        var delimiter = NullIfEmpty(query.Get("delimiter"));
        var marker = NullIfEmpty(query.Get("marker"));
        var maxKeys = ParseMaxKeys(query.Get("max-keys"));

        var page = await store.ListAsync(context.BucketName, new ListQuery(prefix, delimiter, marker, maxKeys), context.Aborted).ConfigureAwait(false);
        var xml = new XmlBuilder().Start("ListBucketResult", S3Context.Xmlns)
            .Element("Name", context.BucketName)
            .Element("Prefix", Encode(prefix, encode))
            .Element("Marker", Encode(marker ?? string.Empty, encode))
            .Element("MaxKeys", maxKeys)
            .Element("Delimiter", delimiter is null ? null : Encode(delimiter, encode))
            .Element("IsTruncated", page.IsTruncated);
        if (page.IsTruncated && delimiter is not null)
        {
            xml.Element("NextMarker", Encode(page.LastReturned!, encode));
        }

        if (encode)
        {
            xml.Element("EncodingType", "url");
        }

        WriteEntries(xml, context, page, encode, fetchOwner: true);
        xml.End("ListBucketResult");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    public async Task ListV2Async(S3Context context)
    {
        var query = context.Query;
        var encode = EncodingType(context);
        var prefix = query.Get("prefix") ?? string.Empty;
        var delimiter = NullIfEmpty(query.Get("delimiter"));
        var startAfter = NullIfEmpty(query.Get("start-after"));
        var token = query.Get("continuation-token");
        var maxKeys = ParseMaxKeys(query.Get("max-keys"));
        var fetchOwner = string.Equals(query.Get("fetch-owner"), "true", StringComparison.OrdinalIgnoreCase);

        var after = token is null ? startAfter : DecodeToken(token);
        var page = await store.ListAsync(context.BucketName, new ListQuery(prefix, delimiter, after, maxKeys), context.Aborted).ConfigureAwait(false);
        var xml = new XmlBuilder().Start("ListBucketResult", S3Context.Xmlns)
            .Element("Name", context.BucketName)
            .Element("Prefix", Encode(prefix, encode))
            .Element("MaxKeys", maxKeys)
            .Element("KeyCount", page.Entries.Count + page.CommonPrefixes.Count)
            .Element("Delimiter", delimiter is null ? null : Encode(delimiter, encode))
            .Element("IsTruncated", page.IsTruncated)
            .Element("ContinuationToken", token)
            .Element("StartAfter", startAfter is null ? null : Encode(startAfter, encode));
        if (page.IsTruncated)
        {
            xml.Element("NextContinuationToken", EncodeToken(page.LastReturned!));
        }

        if (encode)
        {
            xml.Element("EncodingType", "url");
        }

        WriteEntries(xml, context, page, encode, fetchOwner);
        xml.End("ListBucketResult");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    private static void WriteEntries(XmlBuilder xml, S3Context context, ListPage page, bool encode, bool fetchOwner)
    {
        foreach (var entry in page.Entries)
        {
            xml.Start("Contents")
                .Element("Key", Encode(Encoding.UTF8.GetString(entry.Key), encode))
                .Element("LastModified", entry.LastModified)
                .Element("ETag", ObjectReadHandlers.Quote(entry.ETag))
                .Element("Size", entry.Size);
            if (fetchOwner)
            {
                BucketHandlers.WriteOwner(xml, context);
            }

            xml.Element("StorageClass", "STANDARD").End("Contents");
        }

        foreach (var commonPrefix in page.CommonPrefixes)
        {
            xml.Start("CommonPrefixes").Element("Prefix", Encode(commonPrefix, encode)).End("CommonPrefixes");
        }
    }

    internal static bool EncodingType(S3Context context)
    {
        var value = context.Query.Get("encoding-type");
        if (value is null)
        {
            return false;
        }

        if (!value.Equals("url", StringComparison.OrdinalIgnoreCase))
        {
            throw S3Exception.InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", value);
        }

        return true;
    }

    internal static int ParseMaxKeys(string? value)
    {
        if (value is null)
        {
            return MaxKeys;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var maxKeys) || maxKeys < 0)
        {
            throw S3Exception.InvalidArgument("Provided max-keys not an integer or within integer range", "max-keys", value);
        }

        return Math.Min(maxKeys, MaxKeys);
    }

    internal static string Encode(string value, bool encode) => encode ? SigV4.UriEncode(value, encodeSlash: false) : value;

    /// <summary>Continuation tokens are opaque to clients: the last key returned, base64url.</summary>
    private static string EncodeToken(string lastReturned) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(lastReturned)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string DecodeToken(string token)
    {
        try
        {
            var base64 = token.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(base64));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw S3Exception.InvalidArgument("The continuation token provided is incorrect", "continuation-token", token);
        }
    }

    internal static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
