namespace Coffer.Audit.Records;

/// <summary>CloudTrail's eventCategory values.</summary>
public static class AuditEventCategory
{
    public const string Management = "Management";

    /// <summary>Object-level S3 calls (GetObject, PutObject, DeleteObject…), which CloudTrail calls data events.</summary>
    public const string Data = "Data";
}
