namespace Coffer.Storage.Buckets;

/// <param name="Versioning">Null while versioning was never turned on.</param>
public sealed record BucketInfo(string Name, DateTimeOffset CreatedAt, string Region, VersioningStatus? Versioning = null);
