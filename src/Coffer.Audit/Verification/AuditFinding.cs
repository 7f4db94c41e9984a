namespace Coffer.Audit.Verification;

/// <summary>One problem found, with the object (and record index within it) it concerns.</summary>
public sealed record AuditFinding(AuditFindingKind Kind, string S3Object, int? RecordIndex, string Message)
{
    public bool IsFailure => Kind != AuditFindingKind.LogFileNotYetDigested;

    public override string ToString() =>
        RecordIndex is { } index ? $"{Kind}: {S3Object} record {index}: {Message}" : $"{Kind}: {S3Object}: {Message}";
}
