using Coffer.Protocol.Xml;
using Coffer.Storage;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>PutPublicAccessBlock, GetPublicAccessBlock and DeletePublicAccessBlock on a bucket.</summary>
internal sealed class PublicAccessBlockHandlers(PublicAccessBlocks blocks, IMetadataStore metadata)
{
    private const int MaxConfigurationBytes = 64 * 1024;

    public async Task PutAsync(S3Context context)
    {
        // A missing bucket is reported before anything about the document.
        await metadata.GetBucketConfigAsync(context.BucketName, PublicAccessBlock.ConfigName, context.Aborted).ConfigureAwait(false);
        var bytes = await context.ReadDocumentAsync(MaxConfigurationBytes, SafeXml.TooLarge).ConfigureAwait(false);
        var configuration = PublicAccessBlock.FromXml(bytes);
        await blocks.Buckets.SetAsync(context.BucketName, configuration.ToStored(), context.Aborted).ConfigureAwait(false);
        context.Response.StatusCode = 200;
    }

    public async Task GetAsync(S3Context context)
    {
        var stored = await metadata.GetBucketConfigAsync(context.BucketName, PublicAccessBlock.ConfigName, context.Aborted).ConfigureAwait(false);

        // A bucket from before the block existed has none stored, and is treated as fully blocked: say so.
        var block = PublicAccessBlock.All;
        if (stored is not null)
        {
            block = PublicAccessBlock.FromStored(stored, out var configured);
            if (!configured)
            {
                throw new S3Exception(S3ErrorCode.NoSuchPublicAccessBlockConfiguration).With("BucketName", context.BucketName);
            }
        }

        await context.WriteXmlAsync(block.WriteXml(new XmlBuilder())).ConfigureAwait(false);
    }

    public async Task DeleteAsync(S3Context context)
    {
        // Stored as a marker rather than removed: no row at all means "blocked" for older buckets.
        await blocks.Buckets.SetAsync(context.BucketName, PublicAccessBlock.DeletedMarker, context.Aborted).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }
}
