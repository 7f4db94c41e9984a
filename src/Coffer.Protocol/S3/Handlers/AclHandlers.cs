using Coffer.Protocol.Xml;
using Coffer.Storage;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>
/// Bucket and object ACLs and ownership controls, with ACLs disabled (BucketOwnerEnforced): reads
/// show the owner's FULL_CONTROL; writes accept only what changes nothing.
/// </summary>
internal sealed class AclHandlers(ObjectStore store, ProtocolOptions options)
{
    private const int MaxDocumentBytes = 64 * 1024;

    public async Task GetBucketAclAsync(S3Context context)
    {
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        await context.WriteXmlAsync(ObjectOwnership.WriteAccessControlPolicy(new XmlBuilder(), Owner(context))).ConfigureAwait(false);
    }

    public async Task GetObjectAclAsync(S3Context context)
    {
        await store.GetObjectAsync(context.BucketName, context.ObjectKey, includeInlineData: false, context.Aborted).ConfigureAwait(false);
        await context.WriteXmlAsync(ObjectOwnership.WriteAccessControlPolicy(new XmlBuilder(), Owner(context))).ConfigureAwait(false);
    }

    public async Task PutBucketAclAsync(S3Context context)
    {
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        await CheckAclRequestAsync(context).ConfigureAwait(false);
        context.Response.StatusCode = 200;
    }

    public async Task PutObjectAclAsync(S3Context context)
    {
        await store.GetObjectAsync(context.BucketName, context.ObjectKey, includeInlineData: false, context.Aborted).ConfigureAwait(false);
        await CheckAclRequestAsync(context).ConfigureAwait(false);
        context.Response.StatusCode = 200;
    }

    public async Task GetOwnershipControlsAsync(S3Context context)
    {
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        await context.WriteXmlAsync(ObjectOwnership.WriteOwnershipControls(new XmlBuilder())).ConfigureAwait(false);
    }

    public async Task PutOwnershipControlsAsync(S3Context context)
    {
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        var body = await context.ReadDocumentAsync(MaxDocumentBytes, SafeXml.TooLarge).ConfigureAwait(false);
        ObjectOwnership.CheckOwnershipControls(body);
        context.Response.StatusCode = 200;
    }

    /// <summary>Answers 204 and changes nothing: every bucket stays BucketOwnerEnforced.</summary>
    public async Task DeleteOwnershipControlsAsync(S3Context context)
    {
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    /// <summary>The x-amz-acl / x-amz-grant-* headers were checked before dispatch; without them the body must be private.</summary>
    private async Task CheckAclRequestAsync(S3Context context)
    {
        if (context.Header("x-amz-acl") is not null || context.Header("x-amz-grant-full-control") is not null)
        {
            return;
        }

        var body = await context.ReadDocumentAsync(MaxDocumentBytes, SafeXml.TooLarge).ConfigureAwait(false);
        ObjectOwnership.CheckAccessControlPolicy(body, Owner(context));
    }

    private string? Owner(S3Context context) => options.AccountId ?? context.Auth.Principal?.AccountId;
}
