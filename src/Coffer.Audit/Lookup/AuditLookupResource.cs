namespace Coffer.Audit.Lookup;

/// <summary>
/// A resource as LookupEvents names it: the record's resource type, and a name taken from its
/// ARN (a bucket, bucket/key, an IAM entity's name; the whole ARN for anything else, as KMS keys).
/// </summary>
public sealed record AuditLookupResource(string ResourceType, string ResourceName, string Arn)
{
    internal static string NameOf(string arn)
    {
        const string S3 = "arn:aws:s3:::";
        if (arn.StartsWith(S3, StringComparison.Ordinal))
        {
            return arn[S3.Length..];
        }

        // arn:aws:iam::ACCOUNT:user/path/name → name
        var parts = arn.Split(':', 6);
        if (parts.Length == 6 && parts[2] == "iam" && parts[5].LastIndexOf('/') is var slash and > 0)
        {
            return parts[5][(slash + 1)..];
        }

        return arn;
    }
}
