using System.Text.Json;

namespace Coffer.Cli.Client;

/// <summary>
/// One of the roles <c>coffer roles init</c> creates for a bucket: what it is called, what it may
/// do, and its permissions policy.
/// </summary>
internal sealed class RoleTemplate
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

    private RoleTemplate(string kind, string suffix, string summary, string[] objectActions, string[] bucketActions)
    {
        Kind = kind;
        Suffix = suffix;
        Summary = summary;
        ObjectActions = objectActions;
        BucketActions = bucketActions;
    }

    /// <summary>The value of the <see cref="KindTag"/> tag: uploader, viewer or admin.</summary>
    public string Kind { get; }

    /// <summary>The end of the role's name, after the --prefix.</summary>
    public string Suffix { get; }

    public string Summary { get; }

    /// <summary>Allowed on arn:aws:s3:::BUCKET/*.</summary>
    public IReadOnlyList<string> ObjectActions { get; }

    /// <summary>Allowed on arn:aws:s3:::BUCKET.</summary>
    public IReadOnlyList<string> BucketActions { get; }

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
