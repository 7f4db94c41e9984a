namespace Coffer.Storage.Buckets;

/// <summary>A bucket's versioning once it was ever turned on; a bucket never goes back to unversioned.</summary>
public enum VersioningStatus
{
    Enabled,
    Suspended,
}
