using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Multipart upload driven through the low-level calls of the AWS SDK for .NET.</summary>
public sealed class MultipartSdkTests(SharedServerFixture shared) : IClassFixture<SharedServerFixture>
{
    private const string Bucket = SharedServerFixture.Bucket;
    private const int FiveMiB = 5 * RandomData.MiB;

    private AmazonS3Client Client => shared.Client;

    [Fact]
    public async Task CompleteMultipartUpload_JoinsPartsInOrder_WithETagOfPartMd5sAndPartCount()
    {
        byte[][] parts = [RandomData.Bytes(FiveMiB, 1), RandomData.Bytes(FiveMiB + 17, 2), RandomData.Bytes(1000, 3)];
        var uploadId = await CreateAsync("basic/object.bin", contentType: "application/x-test");
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            var response = await UploadPartAsync("basic/object.bin", uploadId, i + 1, parts[i]);
            Assert.Equal(RandomData.Md5ETag(parts[i]), response.ETag);
            etags.Add(new PartETag(i + 1, response.ETag));
        }

        var completed = await CompleteAsync("basic/object.bin", uploadId, etags);

        var expected = Concat(parts);
        Assert.Equal(RandomData.MultipartETag(parts), completed.ETag);
        Assert.Equal(expected, await GetBytesAsync("basic/object.bin"));
        var head = await Client.GetObjectMetadataAsync(Bucket, "basic/object.bin");
        Assert.Equal(expected.Length, head.ContentLength);
        Assert.Equal(completed.ETag, head.ETag);
        Assert.Equal("application/x-test", head.Headers.ContentType);
        Assert.DoesNotContain(await ListUploadsAsync("basic/"), u => u.UploadId == uploadId);
    }

    [Fact]
    public async Task CompleteMultipartUpload_WithAnETagThatIsNotThePart_FailsWithInvalidPart()
    {
        var uploadId = await CreateAsync("errors/wrong-etag");
        await UploadPartAsync("errors/wrong-etag", uploadId, 1, RandomData.Bytes(FiveMiB, 4));
        var second = await UploadPartAsync("errors/wrong-etag", uploadId, 2, RandomData.Bytes(10, 5));

        var wrongETag = RandomData.Md5ETag(Encoding.UTF8.GetBytes("not the part"));
        await AssertS3ErrorAsync("InvalidPart", HttpStatusCode.BadRequest, () => CompleteAsync("errors/wrong-etag", uploadId, [new PartETag(1, wrongETag), new PartETag(2, second.ETag)]));
        await AssertS3ErrorAsync("InvalidPart", HttpStatusCode.BadRequest, () => CompleteAsync("errors/wrong-etag", uploadId, [new PartETag(2, second.ETag), new PartETag(3, second.ETag)]));

        // A failed completion leaves the upload as it was.
        var listed = await Client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = "errors/wrong-etag", UploadId = uploadId });
        Assert.Equal([1, 2], listed.Parts.Select(p => p.PartNumber ?? 0));
        await Client.AbortMultipartUploadAsync(Bucket, "errors/wrong-etag", uploadId);
    }

    [Fact]
    public async Task CompleteMultipartUpload_WithPartsOutOfOrder_FailsWithInvalidPartOrder()
    {
        var uploadId = await CreateAsync("errors/order");
        var first = await UploadPartAsync("errors/order", uploadId, 1, RandomData.Bytes(FiveMiB, 6));
        var second = await UploadPartAsync("errors/order", uploadId, 2, RandomData.Bytes(100, 7));

        // The SDK sorts the parts it is given, so the out-of-order body is sent raw.
        using var raw = new S3TestClient(shared.Server.Endpoint);
        var body = $"""
            <CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Part><PartNumber>2</PartNumber><ETag>{second.ETag}</ETag></Part>
              <Part><PartNumber>1</PartNumber><ETag>{first.ETag}</ETag></Part>
            </CompleteMultipartUpload>
            """;
        using var response = await raw.SendAsync(HttpMethod.Post, $"/{Bucket}/errors/order?uploadId={uploadId}", Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>InvalidPartOrder</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Client.AbortMultipartUploadAsync(Bucket, "errors/order", uploadId);
    }

    [Fact]
    public async Task CompleteMultipartUpload_WithAPartUnder5MiBBeforeTheLast_FailsWithEntityTooSmallAndKeepsTheUpload()
    {
        var first = RandomData.Bytes(FiveMiB - 1, 8);
        var last = RandomData.Bytes(FiveMiB, 9);
        var uploadId = await CreateAsync("errors/small");
        var one = await UploadPartAsync("errors/small", uploadId, 1, first);
        var two = await UploadPartAsync("errors/small", uploadId, 2, last);

        await AssertS3ErrorAsync("EntityTooSmall", HttpStatusCode.BadRequest, () => CompleteAsync("errors/small", uploadId, [new PartETag(1, one.ETag), new PartETag(2, two.ETag)]));

        // Only the last part may be small: completing from part 1 alone succeeds.
        var completed = await CompleteAsync("errors/small", uploadId, [new PartETag(1, one.ETag)]);
        Assert.Equal(RandomData.MultipartETag(first), completed.ETag);
        Assert.Equal(first, await GetBytesAsync("errors/small"));
    }

    [Fact]
    public async Task CompleteMultipartUpload_WithAnObjectSizeThatIsNotTheSumOfTheParts_FailsWithInvalidRequest()
    {
        byte[][] parts = [RandomData.Bytes(FiveMiB, 14), RandomData.Bytes(333, 15)];
        var uploadId = await CreateAsync("errors/size");
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            etags.Add(new PartETag(await UploadPartAsync("errors/size", uploadId, i + 1, parts[i])));
        }

        var request = new CompleteMultipartUploadRequest { BucketName = Bucket, Key = "errors/size", UploadId = uploadId, PartETags = etags, MpuObjectSize = FiveMiB + 332 };
        await AssertS3ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => Client.CompleteMultipartUploadAsync(request));

        request.MpuObjectSize = FiveMiB + 333;
        var completed = await Client.CompleteMultipartUploadAsync(request);
        Assert.Equal(RandomData.MultipartETag(parts), completed.ETag);
    }

    [Fact]
    public async Task UploadPart_WithAContentMd5ThatDoesNotMatch_FailsWithBadDigestAndStoresNothing()
    {
        var data = RandomData.Bytes(100_000, 16);
        var uploadId = await CreateAsync("errors/md5");

        await AssertS3ErrorAsync("BadDigest", HttpStatusCode.BadRequest, () => Client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Bucket,
            Key = "errors/md5",
            UploadId = uploadId,
            PartNumber = 1,
            InputStream = new MemoryStream(data),
            MD5Digest = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes("other bytes"))),
        }));

        var listed = await Client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = "errors/md5", UploadId = uploadId });
        Assert.Empty(listed.Parts ?? []);
        await Client.AbortMultipartUploadAsync(Bucket, "errors/md5", uploadId);
    }

    [Fact]
    public async Task AbortedUpload_AnswersNoSuchUploadToEveryUploadCall()
    {
        var uploadId = await CreateAsync("errors/aborted");
        var part = await UploadPartAsync("errors/aborted", uploadId, 1, RandomData.Bytes(1000, 10));
        await Client.AbortMultipartUploadAsync(Bucket, "errors/aborted", uploadId);

        await AssertNoSuchUploadEverywhereAsync("errors/aborted", uploadId, part.ETag);
        await AssertS3ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => Client.GetObjectAsync(Bucket, "errors/aborted"));
    }

    [Fact]
    public async Task MadeUpUploadId_AnswersNoSuchUploadToEveryUploadCall()
    {
        var realId = await CreateAsync("errors/made-up");
        var part = await UploadPartAsync("errors/made-up", realId, 1, RandomData.Bytes(1000, 11));

        await AssertNoSuchUploadEverywhereAsync("errors/made-up", "0000000000000000000000000000000000000000", part.ETag);

        // An upload id belongs to its key: the real id under another key is unknown too.
        await AssertNoSuchUploadEverywhereAsync("errors/other-key", realId, part.ETag);
        await Client.AbortMultipartUploadAsync(Bucket, "errors/made-up", realId);
    }

    [Fact]
    public async Task CompleteMultipartUpload_Twice_ReturnsTheSameObjectBothTimes()
    {
        byte[][] parts = [RandomData.Bytes(FiveMiB, 12), RandomData.Bytes(12345, 13)];
        var uploadId = await CreateAsync("twice");
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            etags.Add(new PartETag(await UploadPartAsync("twice", uploadId, i + 1, parts[i])));
        }

        var first = await CompleteAsync("twice", uploadId, etags);
        var second = await CompleteAsync("twice", uploadId, etags);

        Assert.Equal(RandomData.MultipartETag(parts), first.ETag);
        Assert.Equal(first.ETag, second.ETag);
        Assert.Equal(Concat(parts), await GetBytesAsync("twice"));
    }

    [Fact]
    public async Task ListParts_PagesWithPartNumberMarkerAndMaxParts()
    {
        var uploadId = await CreateAsync("list/parts");
        var uploaded = new Dictionary<int, (string ETag, int Size)>();
        foreach (var number in new[] { 1, 2, 3, 5, 8, 9, 10 })
        {
            var data = RandomData.Bytes(100 + number, 100 + number);
            uploaded[number] = ((await UploadPartAsync("list/parts", uploadId, number, data)).ETag, data.Length);
        }

        var pages = new List<List<int>>();
        int? marker = null;
        while (true)
        {
            var page = await Client.ListPartsAsync(new ListPartsRequest
            {
                BucketName = Bucket,
                Key = "list/parts",
                UploadId = uploadId,
                MaxParts = 3,
                PartNumberMarker = marker?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            Assert.Equal(uploadId, page.UploadId);
            Assert.Equal(3, page.MaxParts);
            var parts = page.Parts ?? [];
            pages.Add(parts.Select(p => p.PartNumber ?? 0).ToList());
            foreach (var part in parts)
            {
                Assert.Equal(uploaded[part.PartNumber!.Value].ETag, part.ETag);
                Assert.Equal(uploaded[part.PartNumber!.Value].Size, part.Size);
            }

            if (page.IsTruncated != true)
            {
                break;
            }

            Assert.Equal(parts[^1].PartNumber, page.NextPartNumberMarker);
            marker = page.NextPartNumberMarker;
        }

        Assert.Equal([[1, 2, 3], [5, 8, 9], [10]], pages);

        var afterFive = await Client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = "list/parts", UploadId = uploadId, PartNumberMarker = "5" });
        Assert.Equal([8, 9, 10], afterFive.Parts.Select(p => p.PartNumber ?? 0));
        Assert.NotEqual(true, afterFive.IsTruncated);
        await Client.AbortMultipartUploadAsync(Bucket, "list/parts", uploadId);
    }

    [Fact]
    public async Task ListMultipartUploads_PagesWithKeyAndUploadIdMarkers_AndRollsUpDelimitedKeys()
    {
        string[] keys = ["uploads/a", "uploads/a", "uploads/a", "uploads/b", "uploads/c/1", "uploads/c/2", "uploads/d"];
        var created = new List<(string Key, string UploadId)>();
        foreach (var key in keys)
        {
            created.Add((key, await CreateAsync(key)));
        }

        var unpaged = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = "uploads/" });
        var all = unpaged.MultipartUploads.Select(u => (u.Key, u.UploadId)).ToList();
        Assert.Equal(created.Order().ToList(), all.Order().ToList());
        Assert.Equal(keys, all.Select(u => u.Key));
        Assert.NotEqual(true, unpaged.IsTruncated);
        foreach (var group in unpaged.MultipartUploads.GroupBy(u => u.Key))
        {
            Assert.Equal(group.Select(u => u.Initiated).Order(), group.Select(u => u.Initiated));
        }

        // Pages of two split the three uploads of uploads/a, so the upload-id marker matters.
        var paged = new List<(string, string)>();
        string? keyMarker = null, uploadIdMarker = null;
        for (var pageCount = 0; ; pageCount++)
        {
            Assert.True(pageCount < 10, "pagination does not end");
            var page = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = Bucket,
                Prefix = "uploads/",
                MaxUploads = 2,
                KeyMarker = keyMarker,
                UploadIdMarker = uploadIdMarker,
            });
            var uploads = page.MultipartUploads ?? [];
            Assert.InRange(uploads.Count, 1, 2);
            paged.AddRange(uploads.Select(u => (u.Key, u.UploadId)));
            if (page.IsTruncated != true)
            {
                break;
            }

            Assert.Equal(uploads[^1].Key, page.NextKeyMarker);
            Assert.Equal(uploads[^1].UploadId, page.NextUploadIdMarker);
            (keyMarker, uploadIdMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
        }

        Assert.Equal(all, paged);

        var rolled = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = "uploads/", Delimiter = "/" });
        Assert.Equal(["uploads/a", "uploads/a", "uploads/a", "uploads/b", "uploads/d"], rolled.MultipartUploads.Select(u => u.Key));
        Assert.Equal(["uploads/c/"], rolled.CommonPrefixes);

        // Paging with a delimiter lists each common prefix once.
        var seen = new List<string>();
        keyMarker = uploadIdMarker = null;
        for (var pageCount = 0; ; pageCount++)
        {
            Assert.True(pageCount < 10, "pagination does not end");
            var page = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = Bucket,
                Prefix = "uploads/",
                Delimiter = "/",
                MaxUploads = 2,
                KeyMarker = keyMarker,
                UploadIdMarker = uploadIdMarker,
            });
            seen.AddRange((page.MultipartUploads ?? []).Select(u => u.Key));
            seen.AddRange(page.CommonPrefixes ?? []);
            if (page.IsTruncated != true)
            {
                break;
            }

            (keyMarker, uploadIdMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
        }

        Assert.Equal(["uploads/a", "uploads/a", "uploads/a", "uploads/b", "uploads/c/", "uploads/d"], seen.Order(StringComparer.Ordinal));

        foreach (var (key, uploadId) in created)
        {
            await Client.AbortMultipartUploadAsync(Bucket, key, uploadId);
        }

        Assert.Empty(await ListUploadsAsync("uploads/"));
    }

    [Fact]
    public async Task UploadPartCopy_WithRanges_CopiesExactlyThoseBytes()
    {
        var single = RandomData.Bytes(11 * RandomData.MiB, 20);
        await Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "copy/single", InputStream = new MemoryStream(single) });
        byte[][] sourceParts = [RandomData.Bytes(FiveMiB, 21), RandomData.Bytes(FiveMiB, 22), RandomData.Bytes(RandomData.MiB, 23)];
        await UploadWholeAsync("copy/multipart", sourceParts);
        var multipart = Concat(sourceParts);

        var uploadId = await CreateAsync("copy/target");
        var copies = new (string Source, long First, long Last)[]
        {
            ("copy/single", RandomData.MiB, RandomData.MiB + FiveMiB - 1),
            ("copy/multipart", FiveMiB - 100, (2L * FiveMiB) + 99), // crosses both part boundaries of the source
            ("copy/single", single.Length - 1000, single.Length - 1),
        };
        var etags = new List<PartETag>();
        var expected = new List<byte[]>();
        for (var i = 0; i < copies.Length; i++)
        {
            var (source, first, last) = copies[i];
            var response = await Client.CopyPartAsync(new CopyPartRequest
            {
                SourceBucket = Bucket,
                SourceKey = source,
                DestinationBucket = Bucket,
                DestinationKey = "copy/target",
                UploadId = uploadId,
                PartNumber = i + 1,
                FirstByte = first,
                LastByte = last,
            });
            var bytes = (source == "copy/single" ? single : multipart)[(int)first..(int)(last + 1)];
            Assert.Equal(RandomData.Md5ETag(bytes), response.ETag);
            etags.Add(new PartETag(i + 1, response.ETag));
            expected.Add(bytes);
        }

        var completed = await CompleteAsync("copy/target", uploadId, etags);

        Assert.Equal(RandomData.MultipartETag([.. expected]), completed.ETag);
        Assert.Equal(Concat([.. expected]), await GetBytesAsync("copy/target"));
    }

    [Fact]
    public async Task UploadPartCopy_WithoutRange_CopiesTheWholeSource()
    {
        var source = RandomData.Bytes(FiveMiB + 3, 24);
        await Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "copy/whole-source", InputStream = new MemoryStream(source) });
        var tail = RandomData.Bytes(77, 25);
        var uploadId = await CreateAsync("copy/whole-target");

        var copied = await Client.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = Bucket,
            SourceKey = "copy/whole-source",
            DestinationBucket = Bucket,
            DestinationKey = "copy/whole-target",
            UploadId = uploadId,
            PartNumber = 1,
        });
        var uploaded = await UploadPartAsync("copy/whole-target", uploadId, 2, tail);
        await CompleteAsync("copy/whole-target", uploadId, [new PartETag(copied), new PartETag(uploaded)]);

        Assert.Equal(Concat(source, tail), await GetBytesAsync("copy/whole-target"));
    }

    [Fact]
    public async Task GetObject_WithPartNumber_ReturnsThatPartAndThePartCount()
    {
        byte[][] parts = [RandomData.Bytes(FiveMiB, 30), RandomData.Bytes(FiveMiB + 3, 31), RandomData.Bytes(1000, 32)];
        var etag = await UploadWholeAsync("parts/get", parts);
        long offset = 0;
        for (var i = 0; i < parts.Length; i++)
        {
            using var response = await Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "parts/get", PartNumber = i + 1 });
            Assert.Equal(HttpStatusCode.PartialContent, response.HttpStatusCode);
            Assert.Equal(3, response.PartsCount);
            Assert.Equal(etag, response.ETag);
            Assert.Equal(parts[i].Length, response.ContentLength);
            Assert.Equal($"bytes {offset}-{offset + parts[i].Length - 1}/{parts.Sum(p => p.Length)}", response.ContentRange);
            Assert.Equal(parts[i], await ReadAllAsync(response));

            var head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = "parts/get", PartNumber = i + 1 });
            Assert.Equal(3, head.PartsCount);
            Assert.Equal(parts[i].Length, head.ContentLength);
            offset += parts[i].Length;
        }

        await AssertS3ErrorAsync("InvalidPartNumber", HttpStatusCode.RequestedRangeNotSatisfiable,
            () => Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "parts/get", PartNumber = 4 }));
    }

    [Fact]
    public async Task GetObject_RangesAcrossPartBoundaries_ReturnExactlyThoseBytes()
    {
        byte[][] parts = [RandomData.Bytes(FiveMiB, 40), RandomData.Bytes(FiveMiB + 3, 41), RandomData.Bytes(1000, 42)];
        await UploadWholeAsync("parts/ranges", parts);
        var whole = Concat(parts);
        long boundary1 = FiveMiB, boundary2 = (2L * FiveMiB) + 3, size = whole.Length;

        var ranges = new (string Header, long First, long Last)[]
        {
            ($"bytes={boundary1 - 10}-{boundary1 + 9}", boundary1 - 10, boundary1 + 9),
            ($"bytes={boundary1 - 1}-{boundary1 - 1}", boundary1 - 1, boundary1 - 1),
            ($"bytes={boundary1}-{boundary1}", boundary1, boundary1),
            ($"bytes={boundary1}-{boundary2 - 1}", boundary1, boundary2 - 1),
            ($"bytes=5-{boundary2 + 10}", 5, boundary2 + 10),
            ($"bytes={boundary2 - 1}-", boundary2 - 1, size - 1),
            ("bytes=-1500", size - 1500, size - 1),
            ($"bytes=0-{size + 100}", 0, size - 1),
        };
        foreach (var (header, first, last) in ranges)
        {
            using var response = await Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = "parts/ranges", ByteRange = new ByteRange(header) });
            Assert.Equal(HttpStatusCode.PartialContent, response.HttpStatusCode);
            Assert.Equal($"bytes {first}-{last}/{size}", response.ContentRange);
            var body = await ReadAllAsync(response);
            Assert.True(whole.AsSpan((int)first, (int)(last - first + 1)).SequenceEqual(body), $"wrong bytes for {header}");
        }
    }

    [Fact]
    public async Task Crc32Composite_PartChecksumsAndObjectChecksumMatchAnIndependentComputation()
    {
        byte[][] parts = [RandomData.Bytes(FiveMiB, 50), RandomData.Bytes(FiveMiB, 51), RandomData.Bytes(4321, 52)];
        var result = await UploadWithChecksumAsync("checksum/crc32-composite", parts, ChecksumAlgorithm.CRC32, type: null);

        Assert.Equal(parts.Select(Crc32Base64), result.PartChecksums);
        var expected = $"{Crc32Base64(Composite(parts.Select(Crc32BigEndian)))}-{parts.Length}";
        Assert.Equal(expected, result.Completed.ChecksumCRC32);
        Assert.Equal(ChecksumType.COMPOSITE, result.Completed.ChecksumType);
        Assert.Equal(expected, result.Head.ChecksumCRC32);
        Assert.Equal(ChecksumType.COMPOSITE, result.Head.ChecksumType);
    }

    [Fact]
    public async Task Crc32FullObject_ObjectChecksumIsTheCrc32OfAllTheData()
    {
        byte[][] parts = [RandomData.Bytes(FiveMiB, 53), RandomData.Bytes(FiveMiB + 1, 54), RandomData.Bytes(1, 55)];
        var result = await UploadWithChecksumAsync("checksum/crc32-full", parts, ChecksumAlgorithm.CRC32, ChecksumType.FULL_OBJECT);

        Assert.Equal(parts.Select(Crc32Base64), result.PartChecksums);
        var expected = Crc32Base64(Concat(parts));
        Assert.Equal(expected, result.Completed.ChecksumCRC32);
        Assert.Equal(ChecksumType.FULL_OBJECT, result.Completed.ChecksumType);
        Assert.Equal(expected, result.Head.ChecksumCRC32);
        Assert.Equal(ChecksumType.FULL_OBJECT, result.Head.ChecksumType);
    }

    [Fact]
    public async Task Sha256Composite_ObjectChecksumIsTheSha256OfThePartDigests()
    {
        byte[][] parts = [RandomData.Bytes(FiveMiB, 56), RandomData.Bytes(999, 57)];
        var result = await UploadWithChecksumAsync("checksum/sha256-composite", parts, ChecksumAlgorithm.SHA256, type: null);

        Assert.Equal(parts.Select(p => Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(p))), result.PartChecksums);
        var digests = parts.SelectMany(System.Security.Cryptography.SHA256.HashData).ToArray();
        var expected = $"{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(digests))}-{parts.Length}";
        Assert.Equal(expected, result.Completed.ChecksumSHA256);
        Assert.Equal(ChecksumType.COMPOSITE, result.Completed.ChecksumType);
        Assert.Equal(expected, result.Head.ChecksumSHA256);
    }

    [Fact]
    public async Task Crc64NvmeFullObject_ObjectChecksumIsTheCrc64OfAllTheData()
    {
        // The reference implementation first proves itself on the catalogue's check value.
        Assert.Equal(0xAE8B14860A799888UL, Crc64NvmeReference.Compute("123456789"u8));
        byte[][] parts = [RandomData.Bytes(FiveMiB + 7, 58), RandomData.Bytes(FiveMiB, 59), RandomData.Bytes(65537, 60)];

        // Without the CRT extension the SDK cannot compute CRC64NVME itself, so the test sends the part values.
        var result = await UploadWithChecksumAsync("checksum/crc64nvme-full", parts, ChecksumAlgorithm.CRC64NVME, ChecksumType.FULL_OBJECT, Crc64Base64);

        Assert.Equal(parts.Select(Crc64Base64), result.PartChecksums);
        var expected = Crc64Base64(Concat(parts));
        Assert.Equal(expected, result.Completed.ChecksumCRC64NVME);
        Assert.Equal(ChecksumType.FULL_OBJECT, result.Completed.ChecksumType);
        Assert.Equal(expected, result.Head.ChecksumCRC64NVME);
    }

    [Fact]
    public async Task CompleteMultipartUpload_WithAPartChecksumThatDoesNotMatch_FailsWithInvalidPart()
    {
        byte[][] parts = [RandomData.Bytes(FiveMiB, 61), RandomData.Bytes(10, 62)];
        var uploadId = await CreateAsync("checksum/claimed-wrong", ChecksumAlgorithm.CRC32);
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            etags.Add(new PartETag(await UploadPartAsync("checksum/claimed-wrong", uploadId, i + 1, parts[i], ChecksumAlgorithm.CRC32)));
        }

        etags[1].ChecksumCRC32 = Crc32Base64(parts[0]);

        await AssertS3ErrorAsync("InvalidPart", HttpStatusCode.BadRequest, () => CompleteAsync("checksum/claimed-wrong", uploadId, etags));
        await Client.AbortMultipartUploadAsync(Bucket, "checksum/claimed-wrong", uploadId);
    }

    private sealed record ChecksumResult(List<string> PartChecksums, CompleteMultipartUploadResponse Completed, GetObjectMetadataResponse Head);

    private async Task<ChecksumResult> UploadWithChecksumAsync(string key, byte[][] parts, ChecksumAlgorithm algorithm, ChecksumType? type, Func<byte[], string>? precomputed = null)
    {
        var created = await Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = key,
            ChecksumAlgorithm = algorithm,
            ChecksumType = type,
        });
        Assert.Equal(algorithm, created.ChecksumAlgorithm);

        var etags = new List<PartETag>();
        var partChecksums = new List<string>();
        for (var i = 0; i < parts.Length; i++)
        {
            var response = precomputed is null
                ? await UploadPartAsync(key, created.UploadId, i + 1, parts[i], algorithm)
                : await Client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = key,
                    UploadId = created.UploadId,
                    PartNumber = i + 1,
                    InputStream = new MemoryStream(parts[i]),
                    ChecksumCRC64NVME = precomputed(parts[i]),
                });
            partChecksums.Add(ChecksumOf(response, algorithm));
            etags.Add(new PartETag(response));
        }

        var listed = await Client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = key, UploadId = created.UploadId });
        Assert.Equal(partChecksums, listed.Parts.Select(p => ChecksumOf(p, algorithm)));

        var completed = await Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = key,
            UploadId = created.UploadId,
            PartETags = etags,
        });

        // Reading with checksum mode on makes the SDK verify a full-object checksum against the body as well.
        using (var get = await Client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = key, ChecksumMode = precomputed is null ? ChecksumMode.ENABLED : null }))
        {
            Assert.Equal(Concat(parts), await ReadAllAsync(get));
        }

        var head = await Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = key, ChecksumMode = ChecksumMode.ENABLED });
        return new ChecksumResult(partChecksums, completed, head);
    }

    private static string ChecksumOf(UploadPartResponse response, ChecksumAlgorithm algorithm) =>
        (algorithm == ChecksumAlgorithm.CRC32 ? response.ChecksumCRC32
            : algorithm == ChecksumAlgorithm.SHA256 ? response.ChecksumSHA256
            : response.ChecksumCRC64NVME) ?? "(none)";

    private static string ChecksumOf(PartDetail part, ChecksumAlgorithm algorithm) =>
        (algorithm == ChecksumAlgorithm.CRC32 ? part.ChecksumCRC32
            : algorithm == ChecksumAlgorithm.SHA256 ? part.ChecksumSHA256
            : part.ChecksumCRC64NVME) ?? "(none)";

    private static byte[] Crc32BigEndian(byte[] data)
    {
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, System.IO.Hashing.Crc32.HashToUInt32(data));
        return crc;
    }

    private static string Crc32Base64(byte[] data) => Convert.ToBase64String(Crc32BigEndian(data));

    private static string Crc64Base64(byte[] data)
    {
        var crc = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(crc, Crc64NvmeReference.Compute(data));
        return Convert.ToBase64String(crc);
    }

    private static byte[] Composite(IEnumerable<byte[]> partDigests) => partDigests.SelectMany(d => d).ToArray();

    private async Task AssertNoSuchUploadEverywhereAsync(string key, string uploadId, string partETag)
    {
        await AssertS3ErrorAsync("NoSuchUpload", HttpStatusCode.NotFound, () => UploadPartAsync(key, uploadId, 2, RandomData.Bytes(10, 0)));
        await AssertS3ErrorAsync("NoSuchUpload", HttpStatusCode.NotFound, () => Client.ListPartsAsync(new ListPartsRequest { BucketName = Bucket, Key = key, UploadId = uploadId }));
        await AssertS3ErrorAsync("NoSuchUpload", HttpStatusCode.NotFound, () => CompleteAsync(key, uploadId, [new PartETag(1, partETag)]));
        await AssertS3ErrorAsync("NoSuchUpload", HttpStatusCode.NotFound, () => Client.AbortMultipartUploadAsync(Bucket, key, uploadId));
    }

    private static async Task AssertS3ErrorAsync(string code, HttpStatusCode status, Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(call);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(status, error.StatusCode);
    }

    private async Task<string> CreateAsync(string key, ChecksumAlgorithm? checksum = null, string? contentType = null)
    {
        var response = await Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = key,
            ChecksumAlgorithm = checksum,
            ContentType = contentType,
        });
        Assert.Equal(Bucket, response.BucketName);
        Assert.Equal(key, response.Key);
        return response.UploadId;
    }

    private Task<UploadPartResponse> UploadPartAsync(string key, string uploadId, int partNumber, byte[] data, ChecksumAlgorithm? checksum = null) =>
        Client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = partNumber,
            InputStream = new MemoryStream(data),
            ChecksumAlgorithm = checksum,
        });

    private Task<CompleteMultipartUploadResponse> CompleteAsync(string key, string uploadId, List<PartETag> parts) =>
        Client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = uploadId, PartETags = parts });

    private async Task<string> UploadWholeAsync(string key, byte[][] parts)
    {
        var uploadId = await CreateAsync(key);
        var etags = new List<PartETag>();
        for (var i = 0; i < parts.Length; i++)
        {
            etags.Add(new PartETag(await UploadPartAsync(key, uploadId, i + 1, parts[i])));
        }

        return (await CompleteAsync(key, uploadId, etags)).ETag;
    }

    private async Task<List<MultipartUpload>> ListUploadsAsync(string prefix) =>
        (await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = prefix })).MultipartUploads ?? [];

    private async Task<byte[]> GetBytesAsync(string key)
    {
        using var response = await Client.GetObjectAsync(Bucket, key);
        return await ReadAllAsync(response);
    }

    private static async Task<byte[]> ReadAllAsync(GetObjectResponse response)
    {
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
