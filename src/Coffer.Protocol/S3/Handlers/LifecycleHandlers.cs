using Coffer.Storage;
using Coffer.Storage.Lifecycle;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>
/// PutBucketLifecycleConfiguration, GetBucketLifecycleConfiguration and DeleteBucketLifecycle.
/// The rules are carried out by the server's lifecycle worker, not here.
/// </summary>
internal sealed class LifecycleHandlers(IMetadataStore metadata)
{
    /// <summary>Room for 1,000 rules with And filters and tags; anything bigger is refused unread.</summary>
    private const int MaxConfigurationBytes = 2 * 1024 * 1024;

    public async Task PutAsync(S3Context context)
    {
        // A missing bucket is reported before anything about the request.
        await metadata.GetBucketConfigAsync(context.BucketName, LifecycleConfiguration.ConfigName, context.Aborted).ConfigureAwait(false);
        context.RequireIntegrityHeader();
        var minimumObjectSize = LifecycleConfigurationXml.MinimumObjectSize(context.Header(LifecycleConfigurationXml.MinimumObjectSizeHeader));
        var bytes = await context.ReadDocumentAsync(MaxConfigurationBytes, Xml.SafeXml.TooLarge).ConfigureAwait(false);
        var configuration = LifecycleConfigurationXml.Parse(bytes, minimumObjectSize);
        await metadata.SetBucketConfigAsync(context.BucketName, LifecycleConfiguration.ConfigName, configuration.ToJson(), context.Aborted).ConfigureAwait(false);
        context.Response.Headers[LifecycleConfigurationXml.MinimumObjectSizeHeader] = configuration.TransitionDefaultMinimumObjectSize;
        context.Response.StatusCode = 200;
    }

    public async Task GetAsync(S3Context context)
    {
        var stored = await metadata.GetBucketConfigAsync(context.BucketName, LifecycleConfiguration.ConfigName, context.Aborted).ConfigureAwait(false)
            ?? throw new S3Exception(S3ErrorCode.NoSuchLifecycleConfiguration).With("BucketName", context.BucketName);
        var configuration = LifecycleConfiguration.FromJson(stored);
        context.Response.Headers[LifecycleConfigurationXml.MinimumObjectSizeHeader] = configuration.TransitionDefaultMinimumObjectSize;
        await context.WriteXmlAsync(LifecycleConfigurationXml.ToXml(configuration)).ConfigureAwait(false);
    }

    public async Task DeleteAsync(S3Context context)
    {
        await metadata.SetBucketConfigAsync(context.BucketName, LifecycleConfiguration.ConfigName, null, context.Aborted).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }
}
