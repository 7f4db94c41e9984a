using Coffer.Protocol.Xml;
using Coffer.Storage;
using Coffer.Storage.Buckets;

namespace Coffer.Protocol.S3.Handlers;

internal sealed class BucketHandlers(ObjectStore store, ProtocolOptions options, TimeProvider time, PublicAccessBlocks publicAccessBlocks)
{
    private const int MaxConfigurationBytes = 64 * 1024;

    public async Task ListBucketsAsync(S3Context context)
    {
        var buckets = await store.Metadata.ListBucketsAsync(context.Aborted).ConfigureAwait(false);
        var xml = new XmlBuilder().Start("ListAllMyBucketsResult", S3Context.Xmlns);
        WriteOwner(xml, context);
        xml.Start("Buckets");
        foreach (var bucket in buckets)
        {
            xml.Start("Bucket")
                .Element("Name", bucket.Name)
                .Element("CreationDate", bucket.CreatedAt)
                .Element("BucketRegion", bucket.Region)
                .End("Bucket");
        }

        xml.End("Buckets").End("ListAllMyBucketsResult");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    public async Task CreateBucketAsync(S3Context context)
    {
        var name = context.BucketName;
        if (!BucketNames.IsValid(name))
        {
            throw new S3Exception(S3ErrorCode.InvalidBucketName).With("BucketName", name);
        }

        if (context.Request.ContentLength is > 0 || context.Auth.Chunked is not null)
        {
            var document = await SafeXml.ReadAsync(context.Auth.Body, MaxConfigurationBytes, context.Aborted).ConfigureAwait(false);
            var root = document.DocumentElement!;
            if (root.LocalName != "CreateBucketConfiguration")
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            var constraint = SafeXml.ChildText(root, "LocationConstraint");
            if (!string.IsNullOrEmpty(constraint) && constraint != options.Region)
            {
                throw new S3Exception(S3ErrorCode.InvalidLocationConstraint, $"The specified location-constraint '{constraint}' is not valid; this server's region is '{options.Region}'.")
                    .With("LocationConstraint", constraint);
            }
        }

        try
        {
            await store.Metadata.CreateBucketAsync(new BucketInfo(name, time.GetUtcNow(), options.Region), context.Aborted).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.Error == StorageError.BucketAlreadyExists)
        {
            // One account owns every bucket until IAM brings others.
            throw new S3Exception(S3ErrorCode.BucketAlreadyOwnedByYou).With("BucketName", name);
        }

        // Every new bucket blocks public access, as S3's have since April 2023.
        await publicAccessBlocks.Buckets.SetAsync(name, PublicAccessBlock.All.ToStored(), context.Aborted).ConfigureAwait(false);

        context.Response.Headers.Location = "/" + name;
        context.Response.StatusCode = 200;
    }

    public async Task HeadBucketAsync(S3Context context)
    {
        var bucket = await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        context.Response.Headers["x-amz-bucket-region"] = bucket.Region;
        context.Response.StatusCode = 200;
    }

    public async Task GetBucketLocationAsync(S3Context context)
    {
        var bucket = await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);

        // us-east-1 is written as an empty constraint, as S3 does.
        var xml = new XmlBuilder()
            .Start("LocationConstraint", S3Context.Xmlns)
            .Text(bucket.Region == "us-east-1" ? string.Empty : bucket.Region)
            .End("LocationConstraint");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    public async Task DeleteBucketAsync(S3Context context)
    {
        await store.Metadata.DeleteBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    internal static void WriteOwner(XmlBuilder xml, S3Context context)
    {
        var principal = context.Auth.Principal;
        xml.Start("Owner")
            .Element("ID", principal?.AccountId)
            .Element("DisplayName", principal?.Name)
            .End("Owner");
    }
}
