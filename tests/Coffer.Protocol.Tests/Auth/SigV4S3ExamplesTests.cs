using System.Text;
using Coffer.Protocol.Auth;

namespace Coffer.Protocol.Tests.Auth;

/// <summary>
/// The worked examples of the S3 API reference ("Examples: Signature Calculations in AWS Signature
/// Version 4", the pre-signed URL example and the chunked upload example), stage by stage.
/// </summary>
public sealed class SigV4S3ExamplesTests
{
    private const string AmzDate = "20130524T000000Z";
    private const string Scope = "20130524/us-east-1/s3/aws4_request";
    private const string Host = "examplebucket.s3.amazonaws.com";
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

    private static readonly Dictionary<string, Example> Examples = new Example[]
    {
        new(
            "GetObjectWithRange", "GET", "/test.txt", [],
            [("host", Host), ("range", "bytes=0-9"), ("x-amz-content-sha256", SigV4.EmptySha256), ("x-amz-date", AmzDate)],
            SigV4.EmptySha256,
            "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972",
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"),
        new(
            "PutObject", "PUT", "/test$file.text", [],
            [
                ("date", "Fri, 24 May 2013 00:00:00 GMT"),
                ("host", Host),
                ("x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"),
                ("x-amz-date", AmzDate),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ],
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
            "PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\nhost:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072\nx-amz-date:20130524T000000Z\nx-amz-storage-class:REDUCED_REDUNDANCY\n\ndate;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class\n44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
            "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"),
        new(
            "GetBucketLifecycle", "GET", "/", [("lifecycle", "")],
            [("host", Host), ("x-amz-content-sha256", SigV4.EmptySha256), ("x-amz-date", AmzDate)],
            SigV4.EmptySha256,
            "GET\n/\nlifecycle=\nhost:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca",
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"),
        new(
            "GetBucketListObjects", "GET", "/", [("prefix", "J"), ("max-keys", "2")],
            [("host", Host), ("x-amz-content-sha256", SigV4.EmptySha256), ("x-amz-date", AmzDate)],
            SigV4.EmptySha256,
            "GET\n/\nmax-keys=2&prefix=J\nhost:examplebucket.s3.amazonaws.com\nx-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-amz-date:20130524T000000Z\n\nhost;x-amz-content-sha256;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7",
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"),
        new(
            "PresignedGetObject", "GET", "/test.txt",
            [
                ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
                ("X-Amz-Credential", "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request"),
                ("X-Amz-Date", AmzDate),
                ("X-Amz-Expires", "86400"),
                ("X-Amz-SignedHeaders", "host"),
                ("X-Amz-Signature", "excluded-from-the-canonical-query"),
            ],
            [("host", Host)],
            SigV4.UnsignedPayload,
            "GET\n/test.txt\nX-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\nhost:examplebucket.s3.amazonaws.com\n\nhost\nUNSIGNED-PAYLOAD",
            "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04",
            "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"),
        new(
            "ChunkedPutSeed", "PUT", "/examplebucket/chunkObject.txt", [],
            [
                ("content-encoding", "aws-chunked"),
                ("content-length", "66824"),
                ("host", "s3.amazonaws.com"),
                ("x-amz-content-sha256", SigV4.StreamingSigned),
                ("x-amz-date", AmzDate),
                ("x-amz-decoded-content-length", "66560"),
                ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ],
            SigV4.StreamingSigned,
            "PUT\n/examplebucket/chunkObject.txt\n\ncontent-encoding:aws-chunked\ncontent-length:66824\nhost:s3.amazonaws.com\nx-amz-content-sha256:STREAMING-AWS4-HMAC-SHA256-PAYLOAD\nx-amz-date:20130524T000000Z\nx-amz-decoded-content-length:66560\nx-amz-storage-class:REDUCED_REDUNDANCY\n\ncontent-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class\nSTREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            "cee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455",
            "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"),
    }.ToDictionary(e => e.Name);

    public static TheoryData<string> ExampleNames => new(Examples.Keys);

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void CanonicalRequest_MatchesPublished(string name)
    {
        var example = Examples[name];

        var canonical = SigV4.CanonicalRequest(
            example.Method,
            SigV4.UriEncode(example.Path, encodeSlash: false),
            SigV4.CanonicalQuery(example.Query.Select(q => new KeyValuePair<string, string>(q.Name, q.Value)), exclude: "X-Amz-Signature"),
            example.Headers.Select(h => new KeyValuePair<string, string>(h.Name, h.Value)).ToList(),
            example.PayloadHash);

        Assert.Equal(example.CanonicalRequest, canonical);
    }

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void StringToSign_MatchesPublished(string name)
    {
        var example = Examples[name];

        var stringToSign = SigV4.StringToSign(AmzDate, SigV4.Scope("20130524", "us-east-1", "s3"), example.CanonicalRequest);

        Assert.Equal($"AWS4-HMAC-SHA256\n{AmzDate}\n{Scope}\n{example.StringToSignHash}", stringToSign);
    }

    [Theory]
    [MemberData(nameof(ExampleNames))]
    public void Signature_MatchesPublished(string name)
    {
        var example = Examples[name];
        var stringToSign = $"AWS4-HMAC-SHA256\n{AmzDate}\n{Scope}\n{example.StringToSignHash}";

        var signature = SigV4.Signature(SigV4.SigningKey(Secret, "20130524", "us-east-1", "s3"), stringToSign);

        Assert.Equal(example.Signature, signature);
    }

    [Fact]
    public void PutObjectExample_PayloadHash_IsSha256OfTheBody()
    {
        Assert.Equal(
            "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
            SigV4.HexSha256("Welcome to Amazon S3."));
    }

    [Fact]
    public void SigningKey_MatchesPublishedDerivationExample()
    {
        // "Examples of how to derive a signing key for Signature Version 4" (IAM, 20120215).
        var key = SigV4.SigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"u8, "20120215", "us-east-1", "iam");

        Assert.Equal("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d", Convert.ToHexStringLower(key));
    }

    [Fact]
    public void SigningKey_DependsOnEveryScopeElement()
    {
        var baseline = SigV4.SigningKey(Secret, "20130524", "us-east-1", "s3");

        Assert.NotEqual(baseline, SigV4.SigningKey(Secret, "20130525", "us-east-1", "s3"));
        Assert.NotEqual(baseline, SigV4.SigningKey(Secret, "20130524", "eu-west-1", "s3"));
        Assert.NotEqual(baseline, SigV4.SigningKey(Secret, "20130524", "us-east-1", "iam"));
    }

    private sealed record Example(
        string Name,
        string Method,
        string Path,
        (string Name, string Value)[] Query,
        (string Name, string Value)[] Headers,
        string PayloadHash,
        string CanonicalRequest,
        string StringToSignHash,
        string Signature);
}
