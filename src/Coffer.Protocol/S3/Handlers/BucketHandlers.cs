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

        // Every new bucket blocks public access, as S3's have since April 2023; with the bucket, in one commit.
        var configuration = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [publicAccessBlocks.Buckets.ConfigName] = PublicAccessBlock.All.ToStored(),
        };
        var bucket = new BucketInfo(name, time.GetUtcNow(), options.Region);
        var objectLock = context.Header("x-amz-bucket-object-lock-enabled")?.Trim();
        if (objectLock is not null && !objectLock.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            if (!objectLock.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                throw S3Exception.InvalidArgument("Invalid x-amz-bucket-object-lock-enabled header value.", "x-amz-bucket-object-lock-enabled", objectLock);
            }

            // As S3: object lock comes with versioning, and creating such a bucket is both changes.
            await context.Access.DemandAsync(context, "s3:PutBucketObjectLockConfiguration", name, S3Access.Arn(name)).ConfigureAwait(false);
            await context.Access.DemandAsync(context, "s3:PutBucketVersioning", name, S3Access.Arn(name)).ConfigureAwait(false);
            bucket = bucket with { Versioning = VersioningStatus.Enabled };
            configuration[ObjectLockConfiguration.ConfigName] = ObjectLockConfiguration.Enabled.ToStored();
        }

        try
        {
            await store.Metadata.CreateBucketAsync(bucket, configuration, context.Aborted).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.Error == StorageError.BucketAlreadyExists)
        {
            // One account owns every bucket until IAM brings others.
            throw new S3Exception(S3ErrorCode.BucketAlreadyOwnedByYou).With("BucketName", name);
        }

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
