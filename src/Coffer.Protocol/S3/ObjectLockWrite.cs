using Coffer.Storage.Locking;

namespace Coffer.Protocol.S3;

/// <summary>
/// The object lock a write gives its new version: the x-amz-object-lock-* headers, or the bucket's
/// default retention; checked against the bucket and the caller's permissions as S3 does.
/// </summary>
internal static class ObjectLockWrite
{
    public const string ModeHeader = "x-amz-object-lock-mode";
    public const string RetainUntilHeader = "x-amz-object-lock-retain-until-date";
    public const string LegalHoldHeader = "x-amz-object-lock-legal-hold";

    /// <summary>
    /// The retention and legal hold for a PutObject, CopyObject or CreateMultipartUpload. With
    /// <paramref name="hasBody"/>, a write that sets either must carry Content-MD5 or a checksum.
    /// </summary>
    public static async Task<(ObjectRetention? Retention, bool LegalHold)> ResolveAsync(
        S3Context context, BucketConfigCache<ObjectLockConfiguration> configurations, TimeProvider time, bool hasBody)
    {
        var mode = context.Header(ModeHeader);
        var until = context.Header(RetainUntilHeader);
        var hold = context.Header(LegalHoldHeader);
        var configuration = await configurations.GetAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        if (mode is null && until is null && hold is null && configuration?.Mode is null)
        {
            return (null, false);
        }

        if (configuration is null)
        {
            throw MissingConfiguration();
        }

        var now = time.GetUtcNow();
        ObjectRetention? retention;
        if (mode is null && until is null)
        {
            retention = configuration.DefaultRetention(now);
        }
        else
        {
            retention = ParseRetention(mode, until, now);
            await context.Access.DemandAsync(context, "s3:PutObjectRetention", context.BucketName, S3Access.Arn(context.BucketName, context.ObjectKey)).ConfigureAwait(false);
        }

        var legalHold = false;
        if (hold is not null)
        {
            legalHold = ParseLegalHold(hold) ?? throw S3Exception.InvalidArgument("Legal Hold must be either of 'ON' or 'OFF'", LegalHoldHeader, hold);
            await context.Access.DemandAsync(context, "s3:PutObjectLegalHold", context.BucketName, S3Access.Arn(context.BucketName, context.ObjectKey)).ConfigureAwait(false);
        }

        if (hasBody)
        {
            RequireIntegrity(context);
        }

        return (retention, legalHold);
    }

    public static S3Exception MissingConfiguration() => new(S3ErrorCode.InvalidRequest, "Bucket is missing Object Lock Configuration");

    /// <summary>S3 takes a locked version's bytes only with an integrity check the client computed.</summary>
    public static void RequireIntegrity(S3Context context) =>
        context.RequireIntegrityHeader("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters");

    public static bool? ParseLegalHold(string? value) => value?.Trim() switch
    {
        "ON" => true,
        "OFF" => false,
        _ => null,
    };

    private static ObjectRetention ParseRetention(string? mode, string? until, DateTimeOffset now)
    {
        if (mode is null || until is null)
        {
            throw S3Exception.InvalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied", mode is null ? ModeHeader : RetainUntilHeader, null);
        }

        var parsedMode = ObjectLockConfiguration.ParseMode(mode) ?? throw S3Exception.InvalidArgument("Unknown wormMode directive.", ModeHeader, mode);
        if (!ObjectLockConfiguration.TryParseDate(until, out var date))
        {
            throw S3Exception.InvalidArgument("The retain until date must be provided in ISO 8601 format", RetainUntilHeader, until);
        }

        return date > now
            ? new ObjectRetention(parsedMode, date)
            : throw S3Exception.InvalidArgument("The retain until date must be in the future!", RetainUntilHeader, until);
    }
}
