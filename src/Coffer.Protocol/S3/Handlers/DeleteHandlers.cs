using Coffer.Protocol.Xml;
using Coffer.Storage;
using Coffer.Storage.Objects;
using Coffer.Storage.Versions;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>DeleteObject and DeleteObjects.</summary>
internal sealed class DeleteHandlers(ObjectStore store)
{
    public const int MaxKeysPerRequest = 1000;
    private const int MaxDeleteXmlBytes = 2 * 1024 * 1024;

    public async Task DeleteAsync(S3Context context)
    {
        var versionId = VersioningConfiguration.VersionIdFrom(context);
        var bypass = versionId is not null && await ObjectLockHandlers.BypassesGovernanceAsync(context, context.ObjectKey).ConfigureAwait(false);
        var result = await store.DeleteAsync(context.BucketName, context.ObjectKey, versionId, WriteCondition.None, bypass, context.Aborted).ConfigureAwait(false);
        var (resultVersionId, deleteMarker) = Outcome(result, versionId);
        if (resultVersionId is not null)
        {
            context.Response.Headers["x-amz-version-id"] = resultVersionId;
        }

        if (deleteMarker)
        {
            context.Response.Headers["x-amz-delete-marker"] = "true";
        }

        context.Response.StatusCode = 204;
    }

    /// <summary>
    /// What S3 reports about a delete: the version it names (the one asked for, or the delete
    /// marker it wrote) and whether that version is a delete marker.
    /// </summary>
    private static (string? VersionId, bool DeleteMarker) Outcome(WriteResult result, string? requested)
    {
        if (requested is not null)
        {
            return (requested, result.Written?.IsDeleteMarker == true);
        }

        return result.Written is { IsDeleteMarker: true } marker ? (marker.PublicVersionId, true) : (null, false);
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
                return (Key: key ?? string.Empty, VersionId: versionId, DeleteMarker: false, MarkerVersionId: (string?)null, Error: (S3Exception?)new S3Exception(S3ErrorCode.InvalidArgument, "Object key must not be empty."));
            }

            try
            {
                ObjectWriteHandlers.ValidateKey(key);
                if (versionId is not null && !VersionIds.IsWellFormed(versionId))
                {
                    throw new S3Exception(S3ErrorCode.InvalidArgument, "Invalid version id specified");
                }

                var action = versionId is null ? "s3:DeleteObject" : "s3:DeleteObjectVersion";
                await context.Access.DemandAsync(context, action, context.BucketName, S3Access.Arn(context.BucketName, key)).ConfigureAwait(false);

                var bypass = versionId is not null && await ObjectLockHandlers.BypassesGovernanceAsync(context, key).ConfigureAwait(false);
                var result = await store.DeleteAsync(context.BucketName, key, versionId, WriteCondition.None, bypass, context.Aborted).ConfigureAwait(false);
                var (markerVersionId, deleteMarker) = Outcome(result, versionId);
                return (Key: key, VersionId: versionId, DeleteMarker: deleteMarker, MarkerVersionId: deleteMarker ? markerVersionId : null, Error: (S3Exception?)null);
            }
            catch (StorageException e)
            {
                return (Key: key, VersionId: versionId, DeleteMarker: false, MarkerVersionId: (string?)null, Error: (S3Exception?)S3Endpoint.Map(e));
            }
            catch (S3Exception e)
            {
                return (Key: key, VersionId: versionId, DeleteMarker: false, MarkerVersionId: (string?)null, Error: e);
            }
        }).ToList();
        var results = await Task.WhenAll(work).ConfigureAwait(false);

        var xml = new XmlBuilder().Start("DeleteResult", S3Context.Xmlns);
        foreach (var (key, versionId, deleteMarker, markerVersionId, error) in results)
        {
            if (error is null)
            {
                if (!quiet)
                {
                    xml.Start("Deleted").Element("Key", key).Element("VersionId", versionId);
                    if (deleteMarker)
                    {
                        xml.Element("DeleteMarker", true).Element("DeleteMarkerVersionId", markerVersionId);
                    }

                    xml.End("Deleted");
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
