using Coffer.Storage.Buckets;
using Coffer.Storage.Objects;
using Coffer.Storage.Versions;

namespace Coffer.Storage.Tests;

internal static class TestObjects
{
    public static readonly DateTimeOffset Time = new(2024, 3, 1, 12, 30, 45, 123, TimeSpan.Zero);

    public static readonly VersionIds VersionIds = new(TimeProvider.System);

    public static BucketInfo Bucket(string name) => new(name, Time, "us-east-1");

    public static ObjectInfo Object(string bucket, string key, string etag = "0123456789abcdef0123456789abcdef", byte[]? inline = null, string? blobId = null) =>
        new()
        {
            Bucket = bucket,
            Key = key,
            Size = inline?.Length ?? 0,
            ETag = etag,
            LastModified = Time,
            Headers = new ObjectHeaders { ContentType = "text/plain" },
            BlobId = blobId,
            InlineData = blobId is null ? inline ?? [] : null,
            VersionId = VersionIds.Next(),
        };
}
