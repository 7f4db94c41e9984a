using System.Net;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>ListObjectsV2 and ListObjects (v1) through the AWS SDK for .NET, plus the raw XML where the SDK hides it.</summary>
public sealed class SdkListingTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    /// <summary>In the byte order S3 lists them.</summary>
    private static readonly string[] Keys =
    [
        "a.txt",
        "b/1.txt",
        "b/2.txt",
        "b/c/3.txt",
        "b/c/4.txt",
        "d/5.txt",
        "e+plus.txt",
        "e.txt",
        "sp ace/x y.txt",
        "z",
        "ü/é.txt",
    ];

    private readonly AmazonS3Client _s3 = fixture.Client;

    [Fact]
    public async Task ListObjectsV2_WithoutParameters_ListsEveryKeyInByteOrderWithSizeAndETag()
    {
        var bucket = await CreatePopulatedBucketAsync();

        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });

        Assert.Equal(Keys, Objects(response).Select(o => o.Key));
        Assert.All(Objects(response), o =>
        {
            Assert.Equal(Encoding.UTF8.GetByteCount(o.Key), o.Size);
            Assert.Matches("^\"[0-9a-f]{32}\"$", o.ETag);
            Assert.Equal(S3StorageClass.Standard, o.StorageClass);
            Assert.Null(o.Owner);
        });
        Assert.Equal(Keys.Length, response.KeyCount);
        Assert.False(response.IsTruncated);
        Assert.Null(response.NextContinuationToken);
    }

    [Fact]
    public async Task ListObjectsV2_WithPrefix_ReturnsOnlyKeysUnderIt()
    {
        var bucket = await CreatePopulatedBucketAsync();

        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "b/" });

        Assert.Equal(["b/1.txt", "b/2.txt", "b/c/3.txt", "b/c/4.txt"], Objects(response).Select(o => o.Key));
        Assert.Equal("b/", response.Prefix);
    }

    [Fact]
    public async Task ListObjectsV2_WithDelimiter_RollsKeysUpIntoCommonPrefixes()
    {
        var bucket = await CreatePopulatedBucketAsync();

        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });

        Assert.Equal(["a.txt", "e+plus.txt", "e.txt", "z"], Objects(response).Select(o => o.Key));
        Assert.Equal(["b/", "d/", "sp ace/", "ü/"], response.CommonPrefixes ?? []);
        Assert.Equal(8, response.KeyCount);
        Assert.Equal("/", response.Delimiter);
    }

    [Fact]
    public async Task ListObjectsV2_WithPrefixAndDelimiter_ListsOneLevel()
    {
        var bucket = await CreatePopulatedBucketAsync();

        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "b/", Delimiter = "/" });

        Assert.Equal(["b/1.txt", "b/2.txt"], Objects(response).Select(o => o.Key));
        Assert.Equal(["b/c/"], response.CommonPrefixes ?? []);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task ListObjectsV2_PagedWithContinuationTokens_VisitsEveryKeyOnceInOrder(int maxKeys)
    {
        var bucket = await CreatePopulatedBucketAsync();

        var pages = await ListAllV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = maxKeys });

        Assert.Equal(Keys, pages.SelectMany(p => Objects(p).Select(o => o.Key)));
        Assert.All(pages[..^1], p =>
        {
            Assert.True(p.IsTruncated);
            Assert.Equal(maxKeys, p.KeyCount);
            Assert.False(string.IsNullOrEmpty(p.NextContinuationToken));
        });
        Assert.False(pages[^1].IsTruncated);
        Assert.Equal((Keys.Length + maxKeys - 1) / maxKeys, pages.Count);
    }

    [Fact]
    public async Task ListObjectsV2_PagedWithDelimiter_ReturnsEachCommonPrefixOnce()
    {
        var bucket = await CreatePopulatedBucketAsync();

        var pages = await ListAllV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/", MaxKeys = 1 });

        Assert.Equal(["a.txt", "e+plus.txt", "e.txt", "z"], pages.SelectMany(p => Objects(p).Select(o => o.Key)));
        Assert.Equal(["b/", "d/", "sp ace/", "ü/"], pages.SelectMany(p => p.CommonPrefixes ?? []));
        Assert.All(pages, p => Assert.Equal(1, p.KeyCount));
        Assert.Equal(8, pages.Count);
    }

    [Fact]
    public async Task ListObjectsV2_WithStartAfter_BeginsAfterThatKey()
    {
        var bucket = await CreatePopulatedBucketAsync();

        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = "b/c/3.txt" });

        Assert.Equal(Keys.SkipWhile(k => k != "b/c/3.txt").Skip(1), Objects(response).Select(o => o.Key));
        Assert.Equal("b/c/3.txt", response.StartAfter);
    }

    [Fact]
    public async Task ListObjectsV2_WithStartAfterNotAKey_BeginsAtTheNextKeyInByteOrder()
    {
        var bucket = await CreatePopulatedBucketAsync();

        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = "b/c", MaxKeys = 2 });

        Assert.Equal(["b/c/3.txt", "b/c/4.txt"], Objects(response).Select(o => o.Key));
    }

    [Fact]
    public async Task ListObjectsV2_WithStartAfterAndContinuationToken_FollowsTheToken()
    {
        var bucket = await CreatePopulatedBucketAsync();
        var first = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = "a.txt", MaxKeys = 2 });

        var second = await _s3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = bucket,
            StartAfter = "a.txt",
            MaxKeys = 2,
            ContinuationToken = first.NextContinuationToken,
        });

        Assert.Equal(["b/1.txt", "b/2.txt"], Objects(first).Select(o => o.Key));
        Assert.Equal(["b/c/3.txt", "b/c/4.txt"], Objects(second).Select(o => o.Key));
        Assert.Equal(first.NextContinuationToken, second.ContinuationToken);
    }

    [Fact]
    public async Task ListObjectsV2_WithPrefixAndStartAfterBeforeThePrefix_StartsAtThePrefix()
    {
        var bucket = await CreatePopulatedBucketAsync();

        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "d/", StartAfter = "a" });

        Assert.Equal(["d/5.txt"], Objects(response).Select(o => o.Key));
    }

    [Fact]
    public async Task ListObjectsV2_WithFetchOwner_IncludesTheOwner()
    {
        var bucket = await CreatePopulatedBucketAsync();

        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, FetchOwner = true, MaxKeys = 3 });

        Assert.All(Objects(response), o => Assert.False(string.IsNullOrEmpty(o.Owner?.Id)));
    }

    [Fact]
    public async Task ListObjectsV2_WithUrlEncoding_ReturnsKeysAndPrefixThatDecodeBackExactly()
    {
        var bucket = await CreatePopulatedBucketAsync();

        var all = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Encoding = EncodingType.Url });
        var rolled = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Encoding = EncodingType.Url, Delimiter = "/", Prefix = "sp ace/" });

        // The .NET SDK hands the encoded forms through; the application decodes them.
        Assert.Equal(Keys, Objects(all).Select(o => WebUtility.UrlDecode(o.Key)));
        Assert.Equal(["sp ace/x y.txt"], Objects(rolled).Select(o => WebUtility.UrlDecode(o.Key)));
        Assert.Equal("sp ace/", WebUtility.UrlDecode(rolled.Prefix));
        Assert.DoesNotContain(Objects(all), o => o.Key.Contains(' ', StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListObjectsV2_WithUrlEncoding_PercentEncodesKeysPrefixesAndDelimiterOnTheWire()
    {
        var bucket = await CreatePopulatedBucketAsync();
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "ctl\u0001char", ContentBody = "x" });

        using var response = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}?list-type=2&encoding-type=url&delimiter=%2F");
        var xml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        var ns = xml.Name.Namespace;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("url", xml.Element(ns + "EncodingType")?.Value);
        var keys = xml.Elements(ns + "Contents").Select(c => c.Element(ns + "Key")!.Value).ToList();
        var prefixes = xml.Elements(ns + "CommonPrefixes").Select(c => c.Element(ns + "Prefix")!.Value).ToList();
        Assert.Contains("ctl%01char", keys);
        Assert.Contains("e%2Bplus.txt", keys);
        Assert.Contains("%C3%BC/", prefixes);
        Assert.Contains(prefixes, p => p is "sp%20ace/" or "sp+ace/");
        Assert.All(keys.Concat(prefixes), k => Assert.Matches("^[A-Za-z0-9%._~+/-]+$", k));
        Assert.Equal(keys.Concat(prefixes).Select(WebUtility.UrlDecode).Order(StringComparer.Ordinal), new[] { "a.txt", "b/", "ctl\u0001char", "d/", "e+plus.txt", "e.txt", "sp ace/", "z", "ü/" }.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ListObjectsV2_WithoutEncoding_EscapesControlCharactersAsCharacterReferences()
    {
        var bucket = await fixture.CreateBucketAsync("ctl");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "tab\there&<amp>", ContentBody = "x" });

        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });

        Assert.Equal("tab\there&<amp>", Assert.Single(Objects(response)).Key);
    }

    [Fact]
    public async Task ListObjectsV2_WithAForgedContinuationToken_FailsWithInvalidArgument()
    {
        var bucket = await CreatePopulatedBucketAsync();

        await S3Assert.FailsAsync(HttpStatusCode.BadRequest, "InvalidArgument", () =>
            _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = "%%%not-a-token%%%" }));
    }

    [Fact]
    public async Task ListObjectsV2_OnAnEmptyBucket_ReturnsNoKeysAndIsNotTruncated()
    {
        var bucket = await fixture.CreateBucketAsync("empty");

        var response = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });

        Assert.Empty(Objects(response));
        Assert.Equal(0, response.KeyCount);
        Assert.False(response.IsTruncated);
    }

    [Fact]
    public async Task ListObjects_WithMarker_BeginsAfterTheMarker()
    {
        var bucket = await CreatePopulatedBucketAsync();

        var response = await _s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Marker = "d/5.txt" });

        Assert.Equal(["e+plus.txt", "e.txt", "sp ace/x y.txt", "z", "ü/é.txt"], (response.S3Objects ?? []).Select(o => o.Key));
        Assert.Equal("d/5.txt", response.Marker);
        Assert.All(response.S3Objects ?? [], o => Assert.False(string.IsNullOrEmpty(o.Owner?.Id)));
    }

    [Fact]
    public async Task ListObjects_PagedByMarker_VisitsEveryKeyOnceInOrder()
    {
        var bucket = await CreatePopulatedBucketAsync();
        var seen = new List<string>();
        string? marker = null;
        ListObjectsResponse page;
        do
        {
            page = await _s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 3, Marker = marker });
            var keys = (page.S3Objects ?? []).Select(o => o.Key).ToList();
            Assert.InRange(keys.Count, 1, 3);
            seen.AddRange(keys);
            marker = keys[^1];
        }
        while (page.IsTruncated == true);

        Assert.Equal(Keys, seen);
    }

    [Fact]
    public async Task ListObjects_TruncatedWithDelimiter_ReturnsNextMarker()
    {
        var bucket = await CreatePopulatedBucketAsync();
        var prefixes = new List<string>();
        var keys = new List<string>();
        string? marker = null;
        ListObjectsResponse page;
        do
        {
            page = await _s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, Delimiter = "/", MaxKeys = 2, Marker = marker });
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            prefixes.AddRange(page.CommonPrefixes ?? []);
            if (page.IsTruncated == true)
            {
                Assert.False(string.IsNullOrEmpty(page.NextMarker));
            }

            marker = page.NextMarker;
        }
        while (page.IsTruncated == true);

        Assert.Equal(["a.txt", "e+plus.txt", "e.txt", "z"], keys);
        Assert.Equal(["b/", "d/", "sp ace/", "ü/"], prefixes);
    }

    private async Task<string> CreatePopulatedBucketAsync()
    {
        var bucket = await fixture.CreateBucketAsync("list");
        await Task.WhenAll(Keys.Select(key => _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key })));
        return bucket;
    }

    private async Task<List<ListObjectsV2Response>> ListAllV2Async(ListObjectsV2Request request)
    {
        var pages = new List<ListObjectsV2Response>();
        while (true)
        {
            var page = await _s3.ListObjectsV2Async(request);
            pages.Add(page);
            Assert.True(pages.Count <= 100, "pagination does not terminate");
            if (page.IsTruncated != true)
            {
                return pages;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private static List<S3Object> Objects(ListObjectsV2Response response) => response.S3Objects ?? [];
}
