using Coffer.Policy;
using Coffer.Storage;

namespace Coffer.Protocol.S3;

/// <summary>Bucket policies, compiled and cached: every request to a bucket consults its policy.</summary>
internal static class BucketPolicies
{
    public const string ConfigName = "policy";

    public static BucketConfigCache<PolicySource> Cache(IMetadataStore metadata) => new(metadata, ConfigName, Compile);

    public static PolicySource Compile(string bucket, string text) =>
        new("arn:aws:s3:::" + bucket, PolicySourceType.Resource, PolicyCache.Get(text, PolicyKind.Resource));
}
