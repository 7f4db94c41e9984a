using Coffer.Storage;
using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>PutObjectTagging, GetObjectTagging and DeleteObjectTagging: the tags of one version, changed in place.</summary>
internal sealed class TaggingHandlers(ObjectStore store)
{
    public async Task PutAsync(S3Context context)
    {
        var versionId = VersioningConfiguration.VersionIdFrom(context);
        var body = await context.ReadDocumentAsync(ObjectTagging.MaxDocumentBytes, Xml.SafeXml.TooLarge).ConfigureAwait(false);

        // Authorised only now, with the body's tags as s3:RequestObjectTag/*; a caller who may not
        // tag the object learns that before anything about the document.
        List<KeyValuePair<string, string>>? tags = null;
        S3Exception? invalid = null;
        try
        {
            tags = ObjectTagging.FromXml(body);
        }
        catch (S3Exception e)
        {
            invalid = e;
        }

        await context.Access.AuthorizeTaggingAsync(context, tags).ConfigureAwait(false);
        if (invalid is not null)
        {
            throw invalid;
        }

        var info = await store.SetTagsAsync(context.BucketName, context.ObjectKey, versionId, tags!, context.Aborted).ConfigureAwait(false);
        Answer(context, info, versionId, status: 200);
    }

    public async Task GetAsync(S3Context context)
    {
        var versionId = VersioningConfiguration.VersionIdFrom(context);
        var info = await store.GetObjectAsync(context.BucketName, context.ObjectKey, versionId, includeInlineData: false, context.Aborted).ConfigureAwait(false);
        if (info.IsDeleteMarker)
        {
            throw ObjectReadHandlers.DeleteMarkerError(context, info, versionId is not null);
        }

        VersioningHandlers.WriteVersionHeader(context, info, always: versionId is not null);
        await context.WriteXmlAsync(ObjectTagging.ToXml(info.Tags)).ConfigureAwait(false);
    }

    public async Task DeleteAsync(S3Context context)
    {
        var versionId = VersioningConfiguration.VersionIdFrom(context);
        var info = await store.SetTagsAsync(context.BucketName, context.ObjectKey, versionId, [], context.Aborted).ConfigureAwait(false);
        Answer(context, info, versionId, status: 204);
    }

    private static void Answer(S3Context context, ObjectInfo info, string? versionId, int status)
    {
        if (info.IsDeleteMarker)
        {
            throw ObjectReadHandlers.DeleteMarkerError(context, info, versionId is not null);
        }

        VersioningHandlers.WriteVersionHeader(context, info, always: versionId is not null);
        context.Response.StatusCode = status;
    }
}
