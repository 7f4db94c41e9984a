namespace Coffer.Bench.S3;

/// <summary>What the benchmark needs of a ListObjectVersions page.</summary>
internal readonly record struct VersionPage(int Entries, bool IsTruncated, string? NextKeyMarker, string? NextVersionIdMarker);
