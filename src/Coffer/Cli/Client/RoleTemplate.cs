using System.Text.Json;

namespace Coffer.Cli.Client;

/// <summary>
/// One of the roles <c>coffer roles init</c> creates for a bucket: its <paramref name="Kind"/>
/// (the value of the <see cref="KindTag"/> tag), the end of its name after the --prefix, what it
/// may do, and the actions its policy allows on arn:aws:s3:::BUCKET/* and on arn:aws:s3:::BUCKET.
/// </summary>
internal sealed record RoleTemplate(string Kind, string Suffix, string Summary, string[] ObjectActions, string[] BucketActions)
{
    public const string Path = "/coffer/";
    public const string PolicyName = "coffer-template";
    public const string KindTag = "coffer:template";
    public const string BucketTag = "coffer:bucket";

    public static readonly IReadOnlyList<RoleTemplate> All =
    [
        new("uploader", "Uploader", "put objects and run multipart uploads (no get, list or delete)", ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], ["s3:ListBucketMultipartUploads"]),
        new("viewer", "Viewer", "get objects and list the bucket", ["s3:GetObject"], ["s3:ListBucket", "s3:GetBucketLocation"]),
        new("admin", "Admin", "every S3 action on the bucket and its objects", ["s3:*"], ["s3:*"]),
    ];

    public string PolicyDocument(string bucket) => JsonSerializer.Serialize(new
    {
        Version = "2012-10-17",
        Statement = new[]
        {
            new { Sid = "Objects", Effect = "Allow", Action = ObjectActions, Resource = $"arn:aws:s3:::{bucket}/*" },
            new { Sid = "Bucket", Effect = "Allow", Action = BucketActions, Resource = $"arn:aws:s3:::{bucket}" },
        },
    });
}
