using Coffer.Protocol.Xml;
using Coffer.Storage;
using Coffer.Storage.Locking;
using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>Put/GetObjectLockConfiguration, Put/GetObjectRetention and Put/GetObjectLegalHold.</summary>
internal sealed class ObjectLockHandlers(ObjectStore store, BucketConfigCache<ObjectLockConfiguration> configurations)
{
    public const string BypassHeader = "x-amz-bypass-governance-retention";
    private const int MaxDocumentBytes = 16 * 1024;

    public async Task PutConfigurationAsync(S3Context context)
    {
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        context.RequireIntegrityHeader();
        var body = await context.ReadDocumentAsync(MaxDocumentBytes, SafeXml.TooLarge).ConfigureAwait(false);
        var configuration = ObjectLockConfiguration.FromXml(body);
        try
        {
            await store.Metadata.SetObjectLockConfigAsync(context.BucketName, configuration.ToStored(), context.Aborted).ConfigureAwait(false);
        }
        finally
        {
            configurations.Forget(context.BucketName);
        }

        context.Response.StatusCode = 200;
    }

    public async Task GetConfigurationAsync(S3Context context)
    {
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        var configuration = await configurations.GetAsync(context.BucketName, context.Aborted).ConfigureAwait(false)
            ?? throw new S3Exception(S3ErrorCode.ObjectLockConfigurationNotFoundError).With("BucketName", context.BucketName);
        await context.WriteXmlAsync(configuration.ToXml()).ConfigureAwait(false);
    }

    public async Task PutRetentionAsync(S3Context context)
    {
        var versionId = VersioningConfiguration.VersionIdFrom(context);
        await RequireObjectLockAsync(context).ConfigureAwait(false);
        context.RequireIntegrityHeader();
        var root = SafeXml.Parse(await context.ReadDocumentAsync(MaxDocumentBytes, SafeXml.TooLarge).ConfigureAwait(false)).DocumentElement!;
        var modeText = SafeXml.ChildText(root, "Mode");
        var untilText = SafeXml.ChildText(root, "RetainUntilDate");
        if (root.LocalName != "Retention" || (modeText is null) != (untilText is null))
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        ObjectRetention? proposed = null;
        if (modeText is not null)
        {
            var mode = ObjectLockConfiguration.ParseMode(modeText) ?? throw new S3Exception(S3ErrorCode.MalformedXML);
            if (!ObjectLockConfiguration.TryParseDate(untilText, out var until))
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            proposed = new ObjectRetention(mode, until);
        }

        var bypass = await BypassesGovernanceAsync(context, context.ObjectKey).ConfigureAwait(false);
        var info = await store.SetLockAsync(context.BucketName, context.ObjectKey, versionId, (version, now) =>
        {
            if (proposed is not null && !proposed.IsActive(now))
            {
                throw S3Exception.InvalidArgument("The retain until date must be in the future!", "RetainUntilDate", untilText);
            }

            return ObjectLocks.MayChangeRetention(version.Retention, proposed, new LockOverride(now, bypass))
                ? version with { Retention = proposed }
                : throw new StorageException(StorageError.ObjectLocked);
        }, context.Aborted).ConfigureAwait(false);
        RefuseDeleteMarker(context, info, versionId);
        context.Response.StatusCode = 200;
    }

    public async Task GetRetentionAsync(S3Context context)
    {
        var info = await ReadVersionAsync(context).ConfigureAwait(false);
        var retention = info.Retention ?? throw new S3Exception(S3ErrorCode.NoSuchObjectLockConfiguration);
        var xml = new XmlBuilder().Start("Retention", S3Context.Xmlns)
            .Element("Mode", ObjectLockConfiguration.ModeName(retention.Mode))
            .Element("RetainUntilDate", retention.RetainUntil)
            .End("Retention");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    public async Task PutLegalHoldAsync(S3Context context)
    {
        var versionId = VersioningConfiguration.VersionIdFrom(context);
        await RequireObjectLockAsync(context).ConfigureAwait(false);
        context.RequireIntegrityHeader();
        var root = SafeXml.Parse(await context.ReadDocumentAsync(MaxDocumentBytes, SafeXml.TooLarge).ConfigureAwait(false)).DocumentElement!;
        var status = root.LocalName == "LegalHold" ? ObjectLockWrite.ParseLegalHold(SafeXml.ChildText(root, "Status")) : null;
        if (status is not { } on)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var info = await store.SetLockAsync(context.BucketName, context.ObjectKey, versionId, (version, _) => version with { LegalHold = on }, context.Aborted).ConfigureAwait(false);
        RefuseDeleteMarker(context, info, versionId);
        context.Response.StatusCode = 200;
    }

    public async Task GetLegalHoldAsync(S3Context context)
    {
        var info = await ReadVersionAsync(context).ConfigureAwait(false);
        var xml = new XmlBuilder().Start("LegalHold", S3Context.Xmlns)
            .Element("Status", info.LegalHold ? "ON" : "OFF")
            .End("LegalHold");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the request may remove or shorten governance retention on <paramref name="key"/>: it
    /// says so in x-amz-bypass-governance-retention and holds s3:BypassGovernanceRetention.
    /// </summary>
    public static async Task<bool> BypassesGovernanceAsync(S3Context context, string key) =>
        string.Equals(context.Header(BypassHeader)?.Trim(), "true", StringComparison.OrdinalIgnoreCase)
        && await context.Access.AllowsAsync(context, "s3:BypassGovernanceRetention", context.BucketName, S3Access.Arn(context.BucketName, key)).ConfigureAwait(false);

    /// <summary>x-amz-object-lock-* on a GET or HEAD, for a caller allowed to read them, as S3 answers.</summary>
    public static async Task WriteHeadersAsync(S3Context context, ObjectInfo info)
    {
        var resource = S3Access.Arn(context.BucketName, context.ObjectKey);
        if (info.Retention is { } retention
            && await context.Access.AllowsAsync(context, "s3:GetObjectRetention", context.BucketName, resource).ConfigureAwait(false))
        {
            context.Response.Headers[ObjectLockWrite.ModeHeader] = ObjectLockConfiguration.ModeName(retention.Mode);
            context.Response.Headers[ObjectLockWrite.RetainUntilHeader] = XmlBuilder.FormatTimestamp(retention.RetainUntil);
        }

        if (info.LegalHold && await context.Access.AllowsAsync(context, "s3:GetObjectLegalHold", context.BucketName, resource).ConfigureAwait(false))
        {
            context.Response.Headers[ObjectLockWrite.LegalHoldHeader] = "ON";
        }
    }

    private async Task<ObjectInfo> ReadVersionAsync(S3Context context)
    {
        var versionId = VersioningConfiguration.VersionIdFrom(context);
        await RequireObjectLockAsync(context).ConfigureAwait(false);
        var info = await store.GetObjectAsync(context.BucketName, context.ObjectKey, versionId, includeInlineData: false, context.Aborted).ConfigureAwait(false);
        RefuseDeleteMarker(context, info, versionId);
        return info;
    }

    private async Task RequireObjectLockAsync(S3Context context)
    {
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        if (await configurations.GetAsync(context.BucketName, context.Aborted).ConfigureAwait(false) is null)
        {
            throw ObjectLockWrite.MissingConfiguration();
        }
    }

    private static void RefuseDeleteMarker(S3Context context, ObjectInfo info, string? versionId)
    {
        if (info.IsDeleteMarker)
        {
            throw ObjectReadHandlers.DeleteMarkerError(context, info, versionId is not null);
        }
    }
}
