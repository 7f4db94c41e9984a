namespace Coffer.Protocol.Audit;

/// <summary>CloudTrail's eventSource of each API Coffer serves.</summary>
public static class AuditEventSource
{
    public const string S3 = "s3.amazonaws.com";
    public const string Iam = "iam.amazonaws.com";
    public const string Sts = "sts.amazonaws.com";
    public const string Kms = "kms.amazonaws.com";
}
