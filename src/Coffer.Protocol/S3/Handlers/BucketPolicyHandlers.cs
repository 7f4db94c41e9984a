using System.Text;
using Coffer.Policy;
using Coffer.Protocol.Xml;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy and GetBucketPolicyStatus.</summary>
internal sealed class BucketPolicyHandlers(BucketConfigCache<Coffer.Policy.PolicySource> policies, Storage.IMetadataStore metadata, PublicAccessBlocks blocks)
{
    /// <summary>S3's bucket policy limit, 20 KB.</summary>
    public const int MaxPolicyBytes = 20 * 1024;

    public async Task PutAsync(S3Context context)
    {
        // A missing bucket is reported before anything about the document.
        await metadata.GetBucketConfigAsync(context.BucketName, BucketPolicies.ConfigName, context.Aborted).ConfigureAwait(false);
        var bytes = await context.ReadDocumentAsync(MaxPolicyBytes, () => new S3Exception(S3ErrorCode.MalformedPolicy, "Policy exceeds the maximum allowed document size.")).ConfigureAwait(false);
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new S3Exception(S3ErrorCode.MalformedPolicy, "Policies must be valid JSON and the first byte must be '{'");
        }

        if (!text.StartsWith('{'))
        {
            throw new S3Exception(S3ErrorCode.MalformedPolicy, "Policies must be valid JSON and the first byte must be '{'");
        }

        PolicySource source;
        try
        {
            source = BucketPolicies.Compile(context.BucketName, text);
        }
        catch (MalformedPolicyException e)
        {
            throw new S3Exception(S3ErrorCode.MalformedPolicy, e.Message);
        }

        // BlockPublicPolicy (the bucket's or the account's): a policy that would open the bucket to
        // anyone is refused rather than stored, as S3 does.
        if (source.Document.GrantsPublicAccess
            && (await blocks.EffectiveAsync(context.BucketName, context.Aborted).ConfigureAwait(false)).BlockPublicPolicy)
        {
            throw new S3Exception(S3ErrorCode.AccessDenied, "Access Denied: the policy would grant public access, and BlockPublicPolicy is on for this bucket.");
        }

        await policies.SetAsync(context.BucketName, text, context.Aborted).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    public async Task GetAsync(S3Context context)
    {
        var text = await RequirePolicyAsync(context).ConfigureAwait(false);
        var body = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.CommitAuditAsync().ConfigureAwait(false);
        await context.Response.Body.WriteAsync(body, context.Aborted).ConfigureAwait(false);
    }

    public async Task DeleteAsync(S3Context context)
    {
        await policies.SetAsync(context.BucketName, null, context.Aborted).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    public async Task GetStatusAsync(S3Context context)
    {
        var text = await RequirePolicyAsync(context).ConfigureAwait(false);
        var isPublic = BucketPolicies.Compile(context.BucketName, text).Document.GrantsPublicAccess;
        var xml = new XmlBuilder()
            .Start("PolicyStatus", S3Context.Xmlns)
            .Element("IsPublic", isPublic ? "true" : "false")
            .End("PolicyStatus");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    private async Task<string> RequirePolicyAsync(S3Context context) =>
        await metadata.GetBucketConfigAsync(context.BucketName, BucketPolicies.ConfigName, context.Aborted).ConfigureAwait(false)
        ?? throw new S3Exception(S3ErrorCode.NoSuchBucketPolicy).With("BucketName", context.BucketName);
}
