using Coffer.Protocol.Xml;
using Coffer.Storage;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>DeleteObject and DeleteObjects.</summary>
internal sealed class DeleteHandlers(ObjectStore store)
{
    public const int MaxKeysPerRequest = 1000;
    private const int MaxDeleteXmlBytes = 2 * 1024 * 1024;

    public async Task DeleteAsync(S3Context context)
    {
        await store.DeleteAsync(context.BucketName, context.ObjectKey, null, context.Aborted).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    public async Task DeleteManyAsync(S3Context context)
    {
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        var bytes = await context.ReadDocumentAsync(MaxDeleteXmlBytes, SafeXml.TooLarge).ConfigureAwait(false);
        var document = SafeXml.Parse(bytes);
        var root = document.DocumentElement!;
        if (root.LocalName != "Delete")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var quiet = string.Equals(SafeXml.ChildText(root, "Quiet")?.Trim(), "true", StringComparison.OrdinalIgnoreCase);
        var objects = SafeXml.Children(root, "Object").ToList();
        if (objects.Count is 0 or > MaxKeysPerRequest)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var work = objects.Select(async element =>
        {
            var key = SafeXml.ChildText(element, "Key");
            var versionId = SafeXml.ChildText(element, "VersionId");
            if (string.IsNullOrEmpty(key))
            {
                return (Key: key ?? string.Empty, VersionId: versionId, Error: (S3Exception?)new S3Exception(S3ErrorCode.InvalidArgument, "Object key must not be empty."));
            }

            try
            {
                ObjectWriteHandlers.ValidateKey(key);
                if (versionId is not null && versionId != "null")
                {
                    throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid version id specified");
                }

                await context.Access.DemandAsync(context, "s3:DeleteObject", context.BucketName, S3Access.Arn(context.BucketName, key)).ConfigureAwait(false);

                await store.DeleteAsync(context.BucketName, key, null, context.Aborted).ConfigureAwait(false);
                return (Key: key, VersionId: versionId, Error: (S3Exception?)null);
            }
            catch (S3Exception e)
            {
                return (Key: key, VersionId: versionId, Error: e);
            }
        }).ToList();
        var results = await Task.WhenAll(work).ConfigureAwait(false);

        var xml = new XmlBuilder().Start("DeleteResult", S3Context.Xmlns);
        foreach (var (key, versionId, error) in results)
        {
            if (error is null)
            {
                if (!quiet)
                {
                    xml.Start("Deleted").Element("Key", key).Element("VersionId", versionId).End("Deleted");
                }
            }
            else
            {
                xml.Start("Error")
                    .Element("Key", key)
                    .Element("VersionId", versionId)
                    .Element("Code", S3Errors.WireName(error.Code))
                    .Element("Message", error.Message)
                    .End("Error");
            }
        }

        xml.End("DeleteResult");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }
}
