using Coffer.Protocol.Http;
using Coffer.Protocol.S3;

namespace Coffer.Protocol.Tests.S3;

public sealed class S3RouteTests
{
    private static readonly string[] Suffixes = ["localhost", "s3.example.com"];

    [Theory]
    [InlineData("/", null, null)]
    [InlineData("/bucket", "bucket", null)]
    [InlineData("/bucket/", "bucket", null)]
    [InlineData("/bucket/key", "bucket", "key")]
    [InlineData("/bucket/photos/2006/january/sample.jpg", "bucket", "photos/2006/january/sample.jpg")]
    [InlineData("/bucket/dir/", "bucket", "dir/")]
    [InlineData("/bucket//leading-slash", "bucket", "/leading-slash")]
    [InlineData("/bucket/a%20b", "bucket", "a b")]
    [InlineData("/bucket/a+b", "bucket", "a+b")]
    [InlineData("/bucket/a%2Fb", "bucket", "a/b")]
    [InlineData("/bucket/test%24file.text", "bucket", "test$file.text")]
    [InlineData("/bucket/%E1%88%B4", "bucket", "\u1234")]
    public void SplitPath_PathStyle_TakesBucketFromFirstSegment(string rawPath, string? bucket, string? key)
    {
        Assert.Equal((bucket, key), S3Route.SplitPath(rawPath, "localhost:9000", Suffixes));
    }

    [Theory]
    [InlineData("bucket.localhost:9000", "/", "bucket", null)]
    [InlineData("bucket.localhost:9000", "/key", "bucket", "key")]
    [InlineData("bucket.localhost", "/photos/2006/x.jpg", "bucket", "photos/2006/x.jpg")]
    [InlineData("my.dotted.bucket.localhost:9000", "/k", "my.dotted.bucket", "k")]
    [InlineData("examplebucket.s3.example.com", "/test.txt", "examplebucket", "test.txt")]
    [InlineData("bucket.LOCALHOST:9000", "/a%20b", "bucket", "a b")]
    [InlineData("bucket.localhost:9000", "//k", "bucket", "/k")]
    public void SplitPath_VirtualHosted_TakesBucketFromHost(string host, string rawPath, string bucket, string? key)
    {
        Assert.Equal((bucket, key), S3Route.SplitPath(rawPath, host, Suffixes));
    }

    [Theory]
    [InlineData("localhost:9000")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:9000")]
    [InlineData("[::1]:9000")]
    [InlineData("[::1]")]
    [InlineData("evillocalhost:9000")]
    [InlineData("s3.example.com")]
    [InlineData("bucket.other.example:9000")]
    [InlineData(".localhost")]
    [InlineData(null)]
    [InlineData("")]
    public void SplitPath_HostWithoutBucketLabel_FallsBackToPathStyle(string? host)
    {
        Assert.Equal(("bucket", "key"), S3Route.SplitPath("/bucket/key", host, Suffixes));
    }

    [Fact]
    public void SplitPath_WithoutConfiguredSuffixes_IsAlwaysPathStyle()
    {
        Assert.Equal(("bucket", "key"), S3Route.SplitPath("/bucket/key", "other.localhost:9000", []));
    }

    [Theory]
    [InlineData("bucket/key")]
    [InlineData("")]
    [InlineData("*")]
    public void SplitPath_TargetNotAnAbsolutePath_IsInvalidRequest(string rawPath)
    {
        var error = Assert.Throws<S3Exception>(() => S3Route.SplitPath(rawPath, "localhost", Suffixes));

        Assert.Equal(S3ErrorCode.InvalidRequest, error.Code);
        Assert.Equal(400, error.StatusCode);
    }

    [Theory]
    // Bucket operations, as the S3 API reference writes their requests.
    [InlineData("GET", "/", false, S3Operation.ListBuckets)]
    [InlineData("PUT", "/examplebucket", false, S3Operation.CreateBucket)]
    [InlineData("HEAD", "/examplebucket", false, S3Operation.HeadBucket)]
    [InlineData("DELETE", "/examplebucket", false, S3Operation.DeleteBucket)]
    [InlineData("GET", "/examplebucket?location", false, S3Operation.GetBucketLocation)]
    [InlineData("PUT", "/examplebucket?versioning", false, S3Operation.PutBucketVersioning)]
    [InlineData("GET", "/examplebucket?versioning", false, S3Operation.GetBucketVersioning)]
    [InlineData("GET", "/examplebucket?versions", false, S3Operation.ListObjectVersions)]
    [InlineData("GET", "/examplebucket?versions&prefix=photos/2006/&delimiter=/&key-marker=a&version-id-marker=null", false, S3Operation.ListObjectVersions)]
    [InlineData("GET", "/examplebucket/my-image.jpg?versionId=3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH", false, S3Operation.GetObject)]
    [InlineData("DELETE", "/examplebucket/my-image.jpg?versionId=UIORUnfnd89493jJFJ", false, S3Operation.DeleteObject)]
    [InlineData("GET", "/examplebucket", false, S3Operation.ListObjects)]
    [InlineData("GET", "/examplebucket?prefix=N&marker=Ned&max-keys=40", false, S3Operation.ListObjects)]
    [InlineData("GET", "/examplebucket?list-type=2", false, S3Operation.ListObjectsV2)]
    [InlineData("GET", "/examplebucket?list-type=2&prefix=photos%2F2006%2F&delimiter=%2F", false, S3Operation.ListObjectsV2)]
    [InlineData("GET", "/examplebucket/?list-type=2&start-after=ExampleGuide.pdf", false, S3Operation.ListObjectsV2)]
    [InlineData("GET", "/examplebucket?list-type=1", false, S3Operation.ListObjects)]
    [InlineData("GET", "/examplebucket?uploads", false, S3Operation.ListMultipartUploads)]
    [InlineData("GET", "/examplebucket?uploads&max-uploads=3", false, S3Operation.ListMultipartUploads)]
    [InlineData("POST", "/examplebucket?delete", false, S3Operation.DeleteObjects)]
    // Object operations.
    [InlineData("PUT", "/examplebucket/my-image.jpg", false, S3Operation.PutObject)]
    [InlineData("PUT", "/examplebucket/my-second-image.jpg", true, S3Operation.CopyObject)]
    [InlineData("GET", "/examplebucket/my-image.jpg", false, S3Operation.GetObject)]
    [InlineData("GET", "/examplebucket/my-image.jpg?response-content-type=text%2Fplain", false, S3Operation.GetObject)]
    [InlineData("HEAD", "/examplebucket/my-image.jpg", false, S3Operation.HeadObject)]
    [InlineData("DELETE", "/examplebucket/my-image.jpg", false, S3Operation.DeleteObject)]
    [InlineData("POST", "/examplebucket/example-object?uploads", false, S3Operation.CreateMultipartUpload)]
    [InlineData("PUT", "/examplebucket/my-movie.m2ts?partNumber=1&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR", false, S3Operation.UploadPart)]
    [InlineData("PUT", "/examplebucket/newobject?partNumber=2&uploadId=VCVsb2FkIElEIGZvciBlbZZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZR", true, S3Operation.UploadPartCopy)]
    [InlineData("POST", "/examplebucket/example-object?uploadId=AAAsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIRRwbG9hZA", false, S3Operation.CompleteMultipartUpload)]
    [InlineData("DELETE", "/examplebucket/example-object?uploadId=VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZ", false, S3Operation.AbortMultipartUpload)]
    [InlineData("GET", "/examplebucket/example-object?uploadId=XXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA&max-parts=2&part-number-marker=1", false, S3Operation.ListParts)]
    [InlineData("PUT", "/examplebucket?object-lock", false, S3Operation.PutObjectLockConfiguration)]
    [InlineData("GET", "/examplebucket?object-lock", false, S3Operation.GetObjectLockConfiguration)]
    [InlineData("PUT", "/examplebucket/my-image.jpg?retention&versionId=1", false, S3Operation.PutObjectRetention)]
    [InlineData("GET", "/examplebucket/my-image.jpg?retention", false, S3Operation.GetObjectRetention)]
    [InlineData("PUT", "/examplebucket/my-image.jpg?legal-hold", false, S3Operation.PutObjectLegalHold)]
    [InlineData("GET", "/examplebucket/my-image.jpg?legal-hold", false, S3Operation.GetObjectLegalHold)]
    // Not S3 operations at all.
    [InlineData("POST", "/examplebucket", false, S3Operation.Unknown)]
    [InlineData("PATCH", "/examplebucket/key", false, S3Operation.Unknown)]
    [InlineData("POST", "/examplebucket/key", false, S3Operation.Unknown)]
    [InlineData("DELETE", "/", false, S3Operation.Unknown)]
    [InlineData("PUT", "/", false, S3Operation.Unknown)]
    public void Classify_PathStyleRequest_IsTheDocumentedOperation(string method, string target, bool copySource, S3Operation expected)
    {
        Assert.Equal(expected, Route(method, target, "localhost:9000", copySource).Operation);
    }

    [Theory]
    [InlineData("GET", "/?list-type=2&prefix=photos", S3Operation.ListObjectsV2, null)]
    [InlineData("GET", "/", S3Operation.ListObjects, null)]
    [InlineData("PUT", "/", S3Operation.CreateBucket, null)]
    [InlineData("POST", "/?delete", S3Operation.DeleteObjects, null)]
    [InlineData("PUT", "/photos/a.jpg", S3Operation.PutObject, "photos/a.jpg")]
    [InlineData("PUT", "/big.bin?partNumber=3&uploadId=abc", S3Operation.UploadPart, "big.bin")]
    [InlineData("GET", "/big.bin?uploadId=abc", S3Operation.ListParts, "big.bin")]
    public void Classify_VirtualHostedRequest_IsTheDocumentedOperation(string method, string target, S3Operation expected, string? key)
    {
        var route = Route(method, target, "examplebucket.localhost:9000", copySource: false);

        Assert.Equal(new S3Route(expected, "examplebucket", key), route);
    }

    [Theory]
    [InlineData("GET", "/examplebucket?replication")]
    [InlineData("PUT", "/examplebucket?logging")]
    [InlineData("DELETE", "/examplebucket/my-image.jpg?acl")]
    [InlineData("GET", "/examplebucket/my-image.jpg?policy")]
    [InlineData("DELETE", "/examplebucket?versioning")]
    [InlineData("GET", "/examplebucket/my-image.jpg?publicAccessBlock")]
    [InlineData("PUT", "/examplebucket?notification")]
    [InlineData("GET", "/examplebucket/my-image.jpg?lifecycle")]
    [InlineData("DELETE", "/examplebucket?cors")]
    [InlineData("GET", "/examplebucket?website")]
    [InlineData("PUT", "/examplebucket?tagging")]
    [InlineData("DELETE", "/examplebucket/my-image.jpg?retention")]
    [InlineData("POST", "/examplebucket/my-image.jpg?legal-hold")]
    [InlineData("DELETE", "/examplebucket?object-lock")]
    [InlineData("GET", "/examplebucket?retention")]
    [InlineData("POST", "/examplebucket/my-image.jpg?restore")]
    [InlineData("POST", "/examplebucket/my-image.jpg?select&select-type=2")]
    [InlineData("GET", "/examplebucket/my-image.jpg?attributes")]
    [InlineData("GET", "/examplebucket/my-image.jpg?encryption")]
    public void Classify_UnimplementedSubresource_IsUnsupported(string method, string target)
    {
        Assert.Equal(S3Operation.UnsupportedSubresource, Route(method, target, "localhost:9000", copySource: false).Operation);
    }

    [Theory]
    [InlineData("PUT", "/examplebucket?lifecycle", S3Operation.PutBucketLifecycleConfiguration)]
    [InlineData("GET", "/examplebucket?lifecycle", S3Operation.GetBucketLifecycleConfiguration)]
    [InlineData("DELETE", "/examplebucket?lifecycle", S3Operation.DeleteBucketLifecycle)]
    [InlineData("POST", "/examplebucket?lifecycle", S3Operation.UnsupportedSubresource)]
    [InlineData("PUT", "/examplebucket?policy", S3Operation.PutBucketPolicy)]
    [InlineData("GET", "/examplebucket?policy", S3Operation.GetBucketPolicy)]
    [InlineData("DELETE", "/examplebucket?policy", S3Operation.DeleteBucketPolicy)]
    [InlineData("GET", "/examplebucket?policyStatus", S3Operation.GetBucketPolicyStatus)]
    [InlineData("POST", "/examplebucket?policy", S3Operation.UnsupportedSubresource)]
    [InlineData("PUT", "/examplebucket?publicAccessBlock", S3Operation.PutPublicAccessBlock)]
    [InlineData("GET", "/examplebucket?publicAccessBlock", S3Operation.GetPublicAccessBlock)]
    [InlineData("DELETE", "/examplebucket?publicAccessBlock", S3Operation.DeletePublicAccessBlock)]
    [InlineData("PUT", "/examplebucket?ownershipControls", S3Operation.PutBucketOwnershipControls)]
    [InlineData("GET", "/examplebucket?ownershipControls", S3Operation.GetBucketOwnershipControls)]
    [InlineData("DELETE", "/examplebucket?ownershipControls", S3Operation.DeleteBucketOwnershipControls)]
    [InlineData("GET", "/examplebucket?acl", S3Operation.GetBucketAcl)]
    [InlineData("PUT", "/examplebucket?acl", S3Operation.PutBucketAcl)]
    [InlineData("GET", "/examplebucket/my-image.jpg?acl", S3Operation.GetObjectAcl)]
    [InlineData("PUT", "/examplebucket/my-image.jpg?acl", S3Operation.PutObjectAcl)]
    [InlineData("PUT", "/examplebucket/my-image.jpg?tagging", S3Operation.PutObjectTagging)]
    [InlineData("GET", "/examplebucket/my-image.jpg?tagging", S3Operation.GetObjectTagging)]
    [InlineData("GET", "/examplebucket/my-image.jpg?tagging&versionId=ydlaNkwWm0SfKJR.T1b1fIdPRbldTYRI", S3Operation.GetObjectTagging)]
    [InlineData("DELETE", "/examplebucket/my-image.jpg?tagging", S3Operation.DeleteObjectTagging)]
    [InlineData("POST", "/examplebucket/my-image.jpg?tagging", S3Operation.UnsupportedSubresource)]
    [InlineData("GET", "/examplebucket?tagging", S3Operation.UnsupportedSubresource)]
    [InlineData("PUT", "/examplebucket?encryption", S3Operation.PutBucketEncryption)]
    [InlineData("GET", "/examplebucket?encryption", S3Operation.GetBucketEncryption)]
    [InlineData("GET", "/examplebucket?list-type=2&encryption", S3Operation.GetBucketEncryption)]
    [InlineData("DELETE", "/examplebucket?encryption", S3Operation.DeleteBucketEncryption)]
    [InlineData("POST", "/examplebucket?encryption", S3Operation.UnsupportedSubresource)]
    public void Classify_BucketConfiguration(string method, string target, S3Operation expected)
    {
        Assert.Equal(expected, Route(method, target, "localhost:9000", copySource: false).Operation);
    }

    [Theory]
    [InlineData(S3Operation.ListBuckets, "s3:ListAllMyBuckets")]
    [InlineData(S3Operation.ListObjectsV2, "s3:ListBucket")]
    [InlineData(S3Operation.HeadBucket, "s3:ListBucket")]
    [InlineData(S3Operation.DeleteObjects, "s3:DeleteObject")]
    [InlineData(S3Operation.CopyObject, "s3:PutObject")]
    [InlineData(S3Operation.UploadPart, "s3:PutObject")]
    [InlineData(S3Operation.HeadObject, "s3:GetObject")]
    [InlineData(S3Operation.AbortMultipartUpload, "s3:AbortMultipartUpload")]
    [InlineData(S3Operation.ListParts, "s3:ListMultipartUploadParts")]
    [InlineData(S3Operation.ListMultipartUploads, "s3:ListBucketMultipartUploads")]
    [InlineData(S3Operation.PutBucketLifecycleConfiguration, "s3:PutLifecycleConfiguration")]
    [InlineData(S3Operation.DeleteBucketLifecycle, "s3:PutLifecycleConfiguration")]
    [InlineData(S3Operation.GetBucketLifecycleConfiguration, "s3:GetLifecycleConfiguration")]
    public void Actions_MapOperationToIamAction(S3Operation operation, string action)
    {
        Assert.Equal(action, S3Actions.For(operation));
    }

    [Fact]
    public void Actions_EveryRoutableOperation_HasAnAction()
    {
        var unmapped = Enum.GetValues<S3Operation>()
            .Where(o => o is not (S3Operation.Unknown or S3Operation.UnsupportedSubresource))
            .Where(o => S3Actions.For(o) == "s3:Unknown");

        Assert.Empty(unmapped);
    }

    private static S3Route Route(string method, string target, string host, bool copySource)
    {
        var question = target.IndexOf('?');
        var path = question < 0 ? target : target[..question];
        var query = QueryParameters.Parse(question < 0 ? string.Empty : target[question..]);
        var (bucket, key) = S3Route.SplitPath(path, host, Suffixes);
        return new S3Route(S3Route.Classify(method, bucket, key, query, copySource), bucket, key);
    }
}
