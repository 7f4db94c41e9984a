using System.Text.Json;
using System.Text.Json.Nodes;
using Coffer.Protocol.S3;

namespace Coffer.Cli.Client;

/// <summary>
/// Where a user created by <c>coffer user create</c> keeps its files, and what it may do there:
/// a folder NAME/ of a shared bucket, or a bucket of its own. Recorded as tags on the IAM user so
/// that <c>user list</c> and <c>user delete</c> find it again.
/// </summary>
internal sealed record TenantSpace(bool OwnBucket, string Bucket, string Access, string UserName)
{
    public const string ModeTag = "coffer:mode";
    public const string BucketTag = "coffer:bucket";
    public const string AccessTag = "coffer:access";
    public const string PolicyPath = "/coffer/";
    public const string DefaultBucketPattern = "<name>-files";

    public static readonly string[] AccessLevels = ["read", "write", "read-write"];

    /// <summary>The folder of a shared bucket, or empty for a bucket of its own.</summary>
    public string Prefix => OwnBucket ? string.Empty : UserName + "/";

    public string Mode => OwnBucket ? "own-bucket" : "shared";

    /// <summary>s3://BUCKET/PREFIX, as users and administrators write it.</summary>
    public string Location => $"s3://{Bucket}/{Prefix}";

    public static string PolicyName(string userName) => "coffer-user-" + userName;

    /// <summary>How own buckets are named: --bucket-pattern, else COFFER_BUCKET_PATTERN, else the default.</summary>
    public static string BucketPattern(CommandLine line) =>
        line.Get("--bucket-pattern")
        ?? (Environment.GetEnvironmentVariable("COFFER_BUCKET_PATTERN") is { Length: > 0 } configured ? configured : DefaultBucketPattern);

    /// <summary>The own bucket's name: the pattern with &lt;name&gt; replaced, lower-cased, checked against S3's rules.</summary>
    public static string OwnBucketName(string pattern, string userName)
    {
        if (!pattern.Contains("<name>", StringComparison.Ordinal))
        {
            throw new UsageException($"--bucket-pattern {pattern}: must contain <name>");
        }

        var name = pattern.Replace("<name>", userName, StringComparison.Ordinal).ToLowerInvariant();
        return BucketNames.IsValid(name)
            ? name
            : throw new UsageException($"{name} is not a valid bucket name (3-63 lower-case letters, digits, dots and hyphens); pass --bucket-pattern to name it otherwise");
    }

    /// <summary>The space recorded on a user's tags; null for a user not made by <c>coffer user create</c>.</summary>
    public static TenantSpace? FromTags(string userName, IReadOnlyDictionary<string, string> tags) =>
        tags.TryGetValue(ModeTag, out var mode) && tags.TryGetValue(BucketTag, out var bucket)
            ? new TenantSpace(mode == "own-bucket", bucket, tags.GetValueOrDefault(AccessTag) ?? "read-write", userName)
            : null;

    /// <summary>
    /// The description of the user's policy. It says where the space is, so that a deletion
    /// interrupted after the user (and its tags) went can still find the files: the policy goes last.
    /// </summary>
    public string PolicyDescription() => $"{Access} access to {Location} for {UserName}";

    /// <summary>The space a <see cref="PolicyDescription"/> names; null for any other text.</summary>
    public static TenantSpace? FromPolicyDescription(string userName, string description)
    {
        var suffix = " for " + userName;
        var at = description.IndexOf(" access to s3://", StringComparison.Ordinal);
        if (at < 0 || !description.EndsWith(suffix, StringComparison.Ordinal) || !AccessLevels.Contains(description[..at]))
        {
            return null;
        }

        var location = description[(at + " access to s3://".Length)..^suffix.Length];
        var slash = location.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            return null;
        }

        var prefix = location[(slash + 1)..];
        return prefix.Length == 0 || prefix == userName + "/"
            ? new TenantSpace(prefix.Length == 0, location[..slash], description[..at], userName)
            : null;
    }

    public IEnumerable<KeyValuePair<string, string>> Tags() =>
    [
        new(ModeTag, Mode),
        new(BucketTag, Bucket),
        new(AccessTag, Access),
    ];

    /// <summary>
    /// The user's policy: listing only its own folder (s3:prefix is NAME/ or under it, so the bucket
    /// root and other users' folders are denied) or its whole bucket, and the object actions that
    /// <see cref="Access"/> names on its objects only.
    /// </summary>
    public string PolicyDocument()
    {
        var bucketArn = "arn:aws:s3:::" + Bucket;
        var listing = new JsonObject
        {
            ["Sid"] = OwnBucket ? "ListOwnBucket" : "ListOwnFolder",
            ["Effect"] = "Allow",
            ["Action"] = "s3:ListBucket",
            ["Resource"] = bucketArn,
        };
        if (!OwnBucket)
        {
            // A listing without a prefix lacks the key and so is denied, like one of another folder.
            listing["Condition"] = new JsonObject
            {
                ["StringLike"] = new JsonObject { ["s3:prefix"] = Strings([Prefix, Prefix + "*"]) },
            };
        }

        // Other users' uploads in progress would show in a shared bucket: that listing is for own buckets only.
        var bucket = new JsonObject
        {
            ["Sid"] = "LocateBucket",
            ["Effect"] = "Allow",
            ["Action"] = Strings(OwnBucket && Access != "read" ? ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"] : ["s3:GetBucketLocation"]),
            ["Resource"] = bucketArn,
        };
        var objects = new JsonObject
        {
            ["Sid"] = OwnBucket ? "ObjectsInOwnBucket" : "ObjectsInOwnFolder",
            ["Effect"] = "Allow",
            ["Action"] = Strings(ObjectActions(Access)),
            ["Resource"] = $"{bucketArn}/{Prefix}*",
        };
        var document = new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(listing, bucket, objects),
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string[] ObjectActions(string access) => access switch
    {
        "read" => ["s3:GetObject"],
        "write" => ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        _ => ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);
}
