using Coffer.Protocol.Http;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.Tests.Http;

/// <summary>The conditional-request table of S3's GetObject and CopyObject documentation.</summary>
public sealed class PreconditionsTests
{
    private const string ETag = "9b2cf535f27731c974343645a3985328";
    private static readonly DateTimeOffset Modified = new(2026, 5, 1, 12, 0, 30, 500, TimeSpan.Zero);

    [Theory]
    [InlineData(null, null, null, null, PreconditionResult.Proceed)]
    [InlineData("\"" + ETag + "\"", null, null, null, PreconditionResult.Proceed)]
    [InlineData("\"other\"", null, null, null, PreconditionResult.Failed)]
    [InlineData("*", null, null, null, PreconditionResult.Proceed)]
    [InlineData("\"a\", \"" + ETag + "\"", null, null, null, PreconditionResult.Proceed)]
    [InlineData(null, "\"" + ETag + "\"", null, null, PreconditionResult.NotModified)]
    [InlineData(null, "W/\"" + ETag + "\"", null, null, PreconditionResult.NotModified)]
    [InlineData(null, "\"other\"", null, null, PreconditionResult.Proceed)]
    [InlineData(null, null, "Fri, 01 May 2026 12:00:30 GMT", null, PreconditionResult.NotModified)]
    [InlineData(null, null, "Fri, 01 May 2026 12:00:29 GMT", null, PreconditionResult.Proceed)]
    [InlineData(null, null, null, "Fri, 01 May 2026 12:00:30 GMT", PreconditionResult.Proceed)]
    [InlineData(null, null, null, "Fri, 01 May 2026 12:00:29 GMT", PreconditionResult.Failed)]
    // If-Match true and If-Unmodified-Since false: 200, as the S3 documentation specifies.
    [InlineData("\"" + ETag + "\"", null, null, "Fri, 01 May 2026 12:00:29 GMT", PreconditionResult.Proceed)]
    // If-None-Match false and If-Modified-Since true: 304.
    [InlineData(null, "\"" + ETag + "\"", "Fri, 01 May 2026 12:00:29 GMT", null, PreconditionResult.NotModified)]
    // If-None-Match true wins over If-Modified-Since false.
    [InlineData(null, "\"other\"", "Fri, 01 May 2026 12:00:31 GMT", null, PreconditionResult.Proceed)]
    [InlineData(null, null, "not a date", null, PreconditionResult.Proceed)]
    public void Evaluate_FollowsS3Precedence(string? ifMatch, string? ifNoneMatch, string? ifModifiedSince, string? ifUnmodifiedSince, PreconditionResult expected)
    {
        var headers = new HeaderDictionary();
        Add(headers, "If-Match", ifMatch);
        Add(headers, "If-None-Match", ifNoneMatch);
        Add(headers, "If-Modified-Since", ifModifiedSince);
        Add(headers, "If-Unmodified-Since", ifUnmodifiedSince);

        Assert.Equal(expected, Preconditions.Evaluate(headers, ETag, Modified).Result);
    }

    [Fact]
    public void Evaluate_CopySourcePrefix_ReadsTheCopySourceHeaders()
    {
        var headers = new HeaderDictionary { ["x-amz-copy-source-If-Match"] = "\"other\"", ["If-Match"] = "\"" + ETag + "\"" };

        var (result, condition) = Preconditions.Evaluate(headers, ETag, Modified, "x-amz-copy-source-");

        Assert.Equal(PreconditionResult.Failed, result);
        Assert.Equal("If-Match", condition);
    }

    private static void Add(HeaderDictionary headers, string name, string? value)
    {
        if (value is not null)
        {
            headers[name] = value;
        }
    }
}
