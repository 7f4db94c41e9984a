using System.Text;
using Coffer.Protocol.Xml;
using Coffer.Storage;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>PutBucketVersioning, GetBucketVersioning and ListObjectVersions.</summary>
internal sealed class VersioningHandlers(ObjectStore store)
{
    private const int MaxConfigurationBytes = 64 * 1024;

    public async Task PutAsync(S3Context context)
    {
        // A missing bucket is reported before anything about the document.
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        var bytes = await context.ReadDocumentAsync(MaxConfigurationBytes, SafeXml.TooLarge).ConfigureAwait(false);
        if (VersioningConfiguration.Parse(bytes) is { } status)
        {
            await store.SetVersioningAsync(context.BucketName, status, context.Aborted).ConfigureAwait(false);
        }

        context.Response.StatusCode = 200;
    }

    public async Task GetAsync(S3Context context)
    {
        var bucket = await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        await context.WriteXmlAsync(VersioningConfiguration.ToXml(bucket.Versioning)).ConfigureAwait(false);
    }

    public async Task ListVersionsAsync(S3Context context)
    {
        var query = context.Query;
        var encode = ListHandlers.EncodingType(context);
        var prefix = query.Get("prefix") ?? string.Empty;
        var delimiter = ListHandlers.NullIfEmpty(query.Get("delimiter"));
        var keyMarker = ListHandlers.NullIfEmpty(query.Get("key-marker"));
        var versionIdMarker = ListHandlers.NullIfEmpty(query.Get("version-id-marker"));
        var maxKeys = ListHandlers.ParseMaxKeys(query.Get("max-keys"));
        if (versionIdMarker is not null)
        {
            if (keyMarker is null)
            {
                throw S3Exception.InvalidArgument("A version-id marker cannot be specified without a key marker.", "version-id-marker", versionIdMarker);
            }

            VersioningConfiguration.CheckVersionId(versionIdMarker, "version-id-marker");
        }

        var page = await store.ListVersionsAsync(context.BucketName, prefix, delimiter, keyMarker, versionIdMarker, maxKeys, context.Aborted).ConfigureAwait(false);
        var xml = new XmlBuilder().Start("ListVersionsResult", S3Context.Xmlns)
            .Element("Name", context.BucketName)
            .Element("Prefix", ListHandlers.Encode(prefix, encode))
            .Element("KeyMarker", ListHandlers.Encode(keyMarker ?? string.Empty, encode))
            .Element("VersionIdMarker", versionIdMarker ?? string.Empty);
        if (page.IsTruncated)
        {
            xml.Element("NextKeyMarker", ListHandlers.Encode(page.NextKeyMarker!, encode))
                .Element("NextVersionIdMarker", page.NextVersionIdMarker);
        }

        xml.Element("MaxKeys", maxKeys)
            .Element("Delimiter", delimiter is null ? null : ListHandlers.Encode(delimiter, encode))
            .Element("IsTruncated", page.IsTruncated);
        if (encode)
        {
            xml.Element("EncodingType", "url");
        }

        foreach (var entry in page.Entries)
        {
            var element = entry.IsDeleteMarker ? "DeleteMarker" : "Version";
            xml.Start(element)
                .Element("Key", ListHandlers.Encode(Encoding.UTF8.GetString(entry.Key), encode))
                .Element("VersionId", entry.PublicVersionId)
                .Element("IsLatest", entry.IsLatest)
                .Element("LastModified", entry.LastModified);
            if (!entry.IsDeleteMarker)
            {
                xml.Element("ETag", ObjectReadHandlers.Quote(entry.ETag))
                    .Element("Size", entry.Size)
                    .Element("StorageClass", "STANDARD");
            }

            BucketHandlers.WriteOwner(xml, context);
            if (!entry.IsDeleteMarker && entry.ChecksumAlgorithm is { } algorithm)
            {
                xml.Element("ChecksumAlgorithm", algorithm);
                if (entry.ChecksumType is { } type)
                {
                    xml.Element("ChecksumType", type);
                }
            }

            xml.End(element);
        }

        foreach (var commonPrefix in page.CommonPrefixes)
        {
            xml.Start("CommonPrefixes").Element("Prefix", ListHandlers.Encode(commonPrefix, encode)).End("CommonPrefixes");
        }

        xml.End("ListVersionsResult");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    /// <summary>x-amz-version-id on a response about <paramref name="info"/>, when its bucket has (or had) versioning.</summary>
    internal static void WriteVersionHeader(S3Context context, Coffer.Storage.Objects.ObjectInfo info, bool always = false)
    {
        if (always || info.BucketVersioning is not null)
        {
            context.Response.Headers["x-amz-version-id"] = info.PublicVersionId;
        }
    }
}
