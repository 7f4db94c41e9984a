namespace Coffer.Storage.Lifecycle;

/// <summary>What one lifecycle pass did, for the log and for tests.</summary>
public sealed record LifecycleResult(int CurrentExpired, int NoncurrentRemoved, int DeleteMarkersRemoved, int UploadsAborted, int Skipped)
{
    public int Total => CurrentExpired + NoncurrentRemoved + DeleteMarkersRemoved + UploadsAborted;
}
