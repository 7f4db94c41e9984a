using Coffer.Protocol.Xml;
using Coffer.Storage;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>PutBucketEncryption, GetBucketEncryption and DeleteBucketEncryption (back to SSE-S3).</summary>
internal sealed class BucketEncryptionHandlers(BucketConfigCache<BucketEncryption> defaults, IMetadataStore metadata)
{
    private const int MaxConfigurationBytes = 64 * 1024;

    public async Task PutAsync(S3Context context)
    {
        // A missing bucket is reported before anything about the document.
        await metadata.GetBucketConfigAsync(context.BucketName, BucketEncryption.ConfigName, context.Aborted).ConfigureAwait(false);
        var bytes = await context.ReadDocumentAsync(MaxConfigurationBytes, SafeXml.TooLarge).ConfigureAwait(false);
        var configuration = BucketEncryption.FromXml(bytes);
        await defaults.SetAsync(context.BucketName, configuration.ToJson(), context.Aborted).ConfigureAwait(false);
        context.Response.StatusCode = 200;
    }

    public async Task GetAsync(S3Context context)
    {
        var stored = await metadata.GetBucketConfigAsync(context.BucketName, BucketEncryption.ConfigName, context.Aborted).ConfigureAwait(false);
        var xml = new XmlBuilder();
        BucketEncryption.FromJson(stored).WriteXml(xml);
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    public async Task DeleteAsync(S3Context context)
    {
        await defaults.SetAsync(context.BucketName, null, context.Aborted).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }
}
