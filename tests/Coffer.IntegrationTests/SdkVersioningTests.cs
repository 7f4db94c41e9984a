using System.Net;
using System.Text;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Bucket versioning through the AWS SDK for .NET, with raw requests where the SDK hides headers.</summary>
public sealed class SdkVersioningTests(SdkServerFixture fixture) : IClassFixture<SdkServerFixture>
{
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    private readonly AmazonS3Client _s3 = fixture.Client;

    [Fact]
    public async Task GetBucketVersioning_NeverVersioned_IsOff_ThenFollowsEnabledAndSuspended()
    {
        var bucket = await fixture.CreateBucketAsync("ver");

        var never = await _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        await SetVersioningAsync(bucket, VersionStatus.Enabled);
        var enabled = await _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        await SetVersioningAsync(bucket, VersionStatus.Suspended);
        var suspended = await _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });

        Assert.Equal(VersionStatus.Off, never.VersioningConfig.Status);
        Assert.Equal(VersionStatus.Enabled, enabled.VersioningConfig.Status);
        Assert.Equal(VersionStatus.Suspended, suspended.VersioningConfig.Status);
    }

    [Fact]
    public async Task Put_ThreeTimesInAnEnabledBucket_KeepsEachVersionReadable()
    {
        var bucket = await VersionedBucketAsync();
        var versions = new List<(string Id, string Body)>();
        foreach (var body in new[] { "one", new string('2', 100_000), "three" })
        {
            var put = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = body });
            Assert.Matches("^[-0-9A-Za-z_]{32}$", put.VersionId);
            versions.Add((put.VersionId, body));
        }

        foreach (var (id, body) in versions)
        {
            using var get = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = id });
            Assert.Equal(body, await new StreamReader(get.ResponseStream).ReadToEndAsync());
            Assert.Equal(id, get.VersionId);
            var head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "k", VersionId = id });
            Assert.Equal(body.Length, head.ContentLength);
        }

        using var current = await _s3.GetObjectAsync(bucket, "k");
        Assert.Equal(versions[^1].Id, current.VersionId);
        var listed = await _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(versions.Select(v => v.Id).Reverse(), listed.Versions.Select(v => v.VersionId));
        Assert.Equal([true, false, false], listed.Versions.Select(v => v.IsLatest == true));
    }

    [Fact]
    public async Task Delete_WritesAMarker_GetSaysSo_AndDeletingTheMarkerRestoresTheObject()
    {
        var bucket = await VersionedBucketAsync();
        var put = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "content" });

        var deleted = await _s3.DeleteObjectAsync(bucket, "doc");

        Assert.Equal("true", deleted.DeleteMarker?.ToString()?.ToLowerInvariant());
        Assert.NotNull(deleted.VersionId);
        Assert.NotEqual(put.VersionId, deleted.VersionId);
        using (var get = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}/doc"))
        {
            await S3Assert.ErrorAsync(get, HttpStatusCode.NotFound, "NoSuchKey");
            Assert.Equal("true", get.Headers.GetValues("x-amz-delete-marker").Single());
            Assert.Equal(deleted.VersionId, get.Headers.GetValues("x-amz-version-id").Single());
        }

        using (var byId = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}/doc?versionId={deleted.VersionId}"))
        {
            await S3Assert.ErrorAsync(byId, HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
            Assert.Equal("true", byId.Headers.GetValues("x-amz-delete-marker").Single());
            Assert.NotNull(byId.Content.Headers.LastModified);
        }

        var listed = await _s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Empty(listed.S3Objects ?? []);

        var removed = await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "doc", VersionId = deleted.VersionId });

        Assert.Equal(deleted.VersionId, removed.VersionId);
        using var restored = await _s3.GetObjectAsync(bucket, "doc");
        Assert.Equal(put.VersionId, restored.VersionId);
        Assert.Equal("content", await new StreamReader(restored.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task DeleteVersion_OfTheCurrentVersion_MakesThePreviousOneCurrent()
    {
        var bucket = await VersionedBucketAsync();
        var first = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first" });
        var second = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second" });

        await _s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = second.VersionId });

        using var current = await _s3.GetObjectAsync(bucket, "k");
        Assert.Equal(first.VersionId, current.VersionId);
        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchVersion", () => _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = second.VersionId }));
    }

    [Fact]
    public async Task Suspended_PutReplacesTheNullVersionOnly_AndDeleteWritesANullMarker()
    {
        var bucket = await fixture.CreateBucketAsync("ver");
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "unversioned" });
        await SetVersioningAsync(bucket, VersionStatus.Enabled);
        var kept = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "kept" });
        await SetVersioningAsync(bucket, VersionStatus.Suspended);

        var first = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "null 1" });
        var second = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "null 2" });

        Assert.Equal("null", first.VersionId);
        Assert.Equal("null", second.VersionId);
        var listed = await _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(["null", kept.VersionId], listed.Versions.Select(v => v.VersionId));
        using (var nullVersion = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = "null" }))
        {
            Assert.Equal("null 2", await new StreamReader(nullVersion.ResponseStream).ReadToEndAsync());
        }

        var deleted = await _s3.DeleteObjectAsync(bucket, "k");

        Assert.Equal("null", deleted.VersionId);
        listed = await _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal([("null", true), (kept.VersionId, false)], listed.Versions.Select(v => (v.VersionId, v.IsDeleteMarker == true)));
    }

    [Fact]
    public async Task ListVersions_5000VersionsOf500Keys_PagesMatchTheModel()
    {
        var bucket = await VersionedBucketAsync();
        var keys = Enumerable.Range(0, 500).Select(i => $"{(i % 5 == 0 ? "top" : $"d{i % 4}/")}{i:D3}").ToList();
        var model = new Dictionary<string, List<(string Id, bool Marker)>>();
        using var gate = new SemaphoreSlim(16);
        var lockObj = new object();
        await Task.WhenAll(keys.Select(async key =>
        {
            await gate.WaitAsync();
            try
            {
                var list = new List<(string, bool)>();
                for (var v = 0; v < 10; v++)
                {
                    if (v == 6 && key.EndsWith('7'))
                    {
                        var marker = await _s3.DeleteObjectAsync(bucket, key);
                        list.Add((marker.VersionId, true));
                        continue;
                    }

                    var put = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = $"{key}#{v}" });
                    list.Add((put.VersionId, false));
                }

                list.Reverse();
                lock (lockObj)
                {
                    model[key] = list;
                }
            }
            finally
            {
                gate.Release();
            }
        }));

        var expected = model.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .SelectMany(kv => kv.Value.Select((v, i) => (kv.Key, v.Id, v.Marker, Latest: i == 0)))
            .ToList();

        var seen = await ListEverythingAsync(new ListVersionsRequest { BucketName = bucket, MaxKeys = 333 });
        Assert.Equal(5000, seen.Count);
        Assert.Equal(expected, seen.Select(v => (v.Key, v.VersionId, v.IsDeleteMarker == true, v.IsLatest == true)).ToList());

        var underD1 = await ListEverythingAsync(new ListVersionsRequest { BucketName = bucket, Prefix = "d1/", MaxKeys = 77 });
        Assert.Equal(expected.Where(e => e.Key.StartsWith("d1/", StringComparison.Ordinal)).Select(e => (e.Key, e.Id)), underD1.Select(v => (v.Key, v.VersionId)));

        var rolledUp = await _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Delimiter = "/", MaxKeys = 1000 });
        Assert.Equal(["d0/", "d1/", "d2/", "d3/"], rolledUp.CommonPrefixes);
        Assert.All(rolledUp.Versions, v => Assert.StartsWith("top", v.Key, StringComparison.Ordinal));
        Assert.Equal(1000, rolledUp.Versions.Count + rolledUp.CommonPrefixes.Count);
    }

    [Fact]
    public async Task ConcurrentWrites_ToOneKey_MakeOneVersionEachAndOneLatest()
    {
        var bucket = await VersionedBucketAsync();

        var puts = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "hot", ContentBody = $"writer {i}" })));

        var listed = await _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(puts.Select(p => p.VersionId).Order(), listed.Versions.Select(v => v.VersionId).Order());
        var latest = Assert.Single(listed.Versions, v => v.IsLatest == true);
        using var current = await _s3.GetObjectAsync(bucket, "hot");
        Assert.Equal(latest.VersionId, current.VersionId);
    }

    [Fact]
    public async Task CopyObject_FromAnOlderVersion_RestoresItAsANewVersion()
    {
        var bucket = await VersionedBucketAsync();
        var old = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "old" });
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "new" });

        var copy = await _s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket,
            SourceKey = "k",
            SourceVersionId = old.VersionId,
            DestinationBucket = bucket,
            DestinationKey = "k",
        });

        Assert.Equal(old.VersionId, copy.SourceVersionId);
        Assert.NotEqual(old.VersionId, copy.VersionId);
        using var current = await _s3.GetObjectAsync(bucket, "k");
        Assert.Equal(copy.VersionId, current.VersionId);
        Assert.Equal("old", await new StreamReader(current.ResponseStream).ReadToEndAsync());
        Assert.Equal(3, (await _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions.Count);
    }

    [Fact]
    public async Task DeleteObjects_WithVersionIds_RemovesVersionsAndReportsMarkers()
    {
        var bucket = await VersionedBucketAsync();
        var a1 = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "1" });
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "2" });
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b", ContentBody = "1" });

        var response = await _s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "a", VersionId = a1.VersionId }, new KeyVersion { Key = "b" }],
        });

        var deletedA = Assert.Single(response.DeletedObjects, d => d.Key == "a");
        Assert.Equal(a1.VersionId, deletedA.VersionId);
        Assert.NotEqual(true, deletedA.DeleteMarker);
        var deletedB = Assert.Single(response.DeletedObjects, d => d.Key == "b");
        Assert.True(deletedB.DeleteMarker);
        Assert.NotNull(deletedB.DeleteMarkerVersionId);
        var listed = await _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(3, listed.Versions.Count);
        Assert.DoesNotContain(listed.Versions, v => v.VersionId == a1.VersionId);
    }

    [Fact]
    public async Task CompleteMultipartUpload_InAnEnabledBucket_AnswersTheNewVersion()
    {
        var bucket = await VersionedBucketAsync();
        var first = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "big", ContentBody = "small first" });
        var upload = await _s3.InitiateMultipartUploadAsync(bucket, "big");
        var part = await _s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "big", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(Encoding.UTF8.GetBytes("part")) });

        var complete = await _s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket,
            Key = "big",
            UploadId = upload.UploadId,
            PartETags = [new PartETag(1, part.ETag)],
        });

        Assert.NotNull(complete.VersionId);
        Assert.NotEqual(first.VersionId, complete.VersionId);
        using var old = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "big", VersionId = first.VersionId });
        Assert.Equal("small first", await new StreamReader(old.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task CompleteMultipartUpload_CompletedAgain_AnswersTheSameVersionWhileItIsCurrent()
    {
        var bucket = await VersionedBucketAsync();
        var upload = await _s3.InitiateMultipartUploadAsync(bucket, "big");
        var part = await _s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "big", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(Encoding.UTF8.GetBytes("part")) });
        var request = new CompleteMultipartUploadRequest { BucketName = bucket, Key = "big", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)] };

        var first = await _s3.CompleteMultipartUploadAsync(request);
        var again = await _s3.CompleteMultipartUploadAsync(request);
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "big", ContentBody = "newer" });

        Assert.Equal(first.VersionId, again.VersionId);
        Assert.Equal(first.ETag, again.ETag);
        await S3Assert.FailsAsync(HttpStatusCode.NotFound, "NoSuchUpload", () => _s3.CompleteMultipartUploadAsync(request));
    }

    /// <summary>As S3 documents and does: deleting a version that is not there succeeds (204) and names the id asked for.</summary>
    [Fact]
    public async Task DeleteObject_WithAWellFormedUnknownVersionId_Succeeds_AndChangesNothing()
    {
        var bucket = await VersionedBucketAsync();
        var put = await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "kept" });
        const string unknown = "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH";

        using var response = await fixture.SendSignedAsync(HttpMethod.Delete, $"/{bucket}/k?versionId={unknown}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(unknown, response.Headers.GetValues("x-amz-version-id").Single());
        Assert.False(response.Headers.Contains("x-amz-delete-marker"));
        var versions = await _s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(put.VersionId, Assert.Single(versions.Versions).VersionId);
    }

    [Theory]
    [InlineData("not-a-version", HttpStatusCode.BadRequest, "InvalidArgument")]
    [InlineData("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrH", HttpStatusCode.BadRequest, "InvalidArgument")]
    [InlineData("3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH", HttpStatusCode.NotFound, "NoSuchVersion")]
    public async Task GetObject_WithABadOrUnknownVersionId_IsRefused(string versionId, HttpStatusCode status, string code)
    {
        var bucket = await VersionedBucketAsync();
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });

        using var response = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}/k?versionId={Uri.EscapeDataString(versionId)}");

        var error = await S3Assert.ErrorAsync(response, status, code);
        if (code == "InvalidArgument")
        {
            Assert.Equal("Invalid version id specified", error.Element("Message")?.Value);
        }
    }

    [Theory]
    [InlineData("<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>")]
    [InlineData("<VersioningConfiguration><Status>Off</Status></VersioningConfiguration>")]
    [InlineData("<VersioningConfiguration><Status>Enabled</Status>")]
    [InlineData("<Other/>")]
    public async Task PutBucketVersioning_BadDocument_IsMalformedXmlAndChangesNothing(string document)
    {
        var bucket = await VersionedBucketAsync();

        using var response = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}?versioning", Encoding.UTF8.GetBytes(document));

        await S3Assert.ErrorAsync(response, HttpStatusCode.BadRequest, "MalformedXML");
        var status = await _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        Assert.Equal(VersionStatus.Enabled, status.VersioningConfig.Status);
    }

    [Fact]
    public async Task PutBucketVersioning_WithMfaDelete_IsRefused()
    {
        var bucket = await fixture.CreateBucketAsync("ver");

        using var response = await fixture.SendSignedAsync(HttpMethod.Put, $"/{bucket}?versioning", "<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>"u8.ToArray());

        await S3Assert.ErrorAsync(response, HttpStatusCode.NotImplemented, "NotImplemented");
        Assert.Equal(VersionStatus.Off, (await _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
    }

    [Fact]
    public async Task ListVersions_RawXml_HasTheShapeS3Writes()
    {
        var bucket = await VersionedBucketAsync();
        await _s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a b", ContentBody = "1" });
        await _s3.DeleteObjectAsync(bucket, "a b");

        using var response = await fixture.SendSignedAsync(HttpMethod.Get, $"/{bucket}?versions&encoding-type=url&max-keys=1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(S3 + "ListVersionsResult", root.Name);
        Assert.Equal("true", root.Element(S3 + "IsTruncated")?.Value);
        Assert.Equal("a%20b", root.Element(S3 + "NextKeyMarker")?.Value);
        var marker = root.Element(S3 + "DeleteMarker")!;
        Assert.Equal("true", marker.Element(S3 + "IsLatest")?.Value);
        Assert.Equal(marker.Element(S3 + "VersionId")?.Value, root.Element(S3 + "NextVersionIdMarker")?.Value);
        Assert.Null(marker.Element(S3 + "ETag"));
    }

    private async Task<List<S3ObjectVersion>> ListEverythingAsync(ListVersionsRequest request)
    {
        var all = new List<S3ObjectVersion>();
        while (true)
        {
            var page = await _s3.ListVersionsAsync(request);
            all.AddRange(page.Versions ?? []);
            if (page.IsTruncated != true)
            {
                return all;
            }

            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
    }

    private async Task<string> VersionedBucketAsync()
    {
        var bucket = await fixture.CreateBucketAsync("ver");
        await SetVersioningAsync(bucket, VersionStatus.Enabled);
        return bucket;
    }

    private Task SetVersioningAsync(string bucket, VersionStatus status) =>
        _s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = status },
        });
}
