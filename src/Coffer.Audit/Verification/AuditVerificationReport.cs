namespace Coffer.Audit.Verification;

/// <summary>The outcome of <see cref="AuditVerifier.Verify"/>: valid when nothing failed.</summary>
public sealed record AuditVerificationReport(
    IReadOnlyList<AuditFinding> Findings,
    int DigestsChecked,
    int LogFilesChecked,
    long RecordsChecked)
{
    public bool IsValid => Findings.All(f => !f.IsFailure);
}
