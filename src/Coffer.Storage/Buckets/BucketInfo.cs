namespace Coffer.Storage.Buckets;

public sealed record BucketInfo(string Name, DateTimeOffset CreatedAt, string Region);
