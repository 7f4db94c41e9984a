using System.Globalization;
using Coffer.Protocol.Checksums;
using Coffer.Protocol.Http;
using Coffer.Protocol.Xml;
using Coffer.Storage;
using Coffer.Storage.Multipart;
using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3.Handlers;

/// <summary>The multipart upload operations.</summary>
internal sealed class MultipartHandlers(ObjectStore store, Encryption.ObjectEncryptionService encryption, BucketConfigCache<ObjectLockConfiguration> lockConfigurations, TimeProvider time)
{
    private const int MaxCompleteXmlBytes = 4 * 1024 * 1024;
    private const int MaxListed = 1000;

    public async Task CreateAsync(S3Context context)
    {
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        var headers = ObjectHeaderMapping.FromRequest(context.Request);
        var tags = ObjectTagging.FromHeader(context.Header("x-amz-tagging"));
        var (algorithm, type) = ChecksumChoice(context);
        var (retention, legalHold) = await ObjectLockWrite.ResolveAsync(context, lockConfigurations, time, hasBody: false).ConfigureAwait(false);
        var (choice, customerKeyMd5) = await encryption.ForUploadAsync(context, context.Aborted).ConfigureAwait(false);
        var upload = await store.CreateUploadAsync(context.BucketName, context.ObjectKey, headers, algorithm?.WireName(), type, choice?.ToJson(), tags, retention, legalHold, context.Aborted).ConfigureAwait(false);
        Encryption.ObjectEncryptionService.WriteHeaders(context, upload.Encryption, customerKeyMd5);
        if (algorithm is not null)
        {
            context.Response.Headers["x-amz-checksum-algorithm"] = algorithm.Value.WireName();
            context.Response.Headers["x-amz-checksum-type"] = type;
        }

        var xml = new XmlBuilder()
            .Start("InitiateMultipartUploadResult", S3Context.Xmlns)
            .Element("Bucket", context.BucketName)
            .Element("Key", context.ObjectKey)
            .Element("UploadId", upload.UploadId)
            .End("InitiateMultipartUploadResult");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    public async Task UploadPartAsync(S3Context context)
    {
        var partNumber = PartNumber(context);
        var upload = await Upload(context).ConfigureAwait(false);
        var length = ObjectWriteHandlers.DeclaredLength(context, ObjectStore.MaxPartSize);

        if (upload.Retention is not null || upload.LegalHold)
        {
            ObjectLockWrite.RequireIntegrity(context);
        }

        var md5 = ObjectWriteHandlers.ParseContentMd5(context.Header("Content-MD5"));
        var checksum = PartChecksum(context, upload);
        var body = checksum?.Wrap(context.Auth.Body) ?? context.Auth.Body;
        var sealing = await encryption.ForPartAsync(context, upload.Encryption, partNumber, context.Aborted).ConfigureAwait(false);
        PartInfo part;
        using (sealing?.Write)
        {
            part = await store.UploadPartAsync(upload, partNumber, body, length, md5, checksum is null ? null : checksum.Value, sealing?.Write.Sealer, context.Aborted).ConfigureAwait(false);
        }

        context.Response.Headers.ETag = ObjectReadHandlers.Quote(part.ETag);
        Encryption.ObjectEncryptionService.WriteHeaders(context, upload.Encryption, sealing?.CustomerKeyMd5);
        if (checksum is not null && part.ChecksumValue is not null)
        {
            context.Response.Headers[checksum.Algorithm.HeaderName()] = part.ChecksumValue;
        }

        context.Response.StatusCode = 200;
    }

    public async Task UploadPartCopyAsync(S3Context context)
    {
        var partNumber = PartNumber(context);
        var upload = await Upload(context).ConfigureAwait(false);
        PartInfo part;
        var name = context.CopySource!.Value;
        var sealing = await encryption.ForPartAsync(context, upload.Encryption, partNumber, context.Aborted).ConfigureAwait(false);
        using (sealing?.Write)
        {
            await using var source = await CopySource.OpenAsync(store, encryption, context, name, info => CopySourceRange(context.Header("x-amz-copy-source-range"), info.Size)).ConfigureAwait(false);
            var checksum = ChecksumAlgorithms.Parse(upload.ChecksumAlgorithm) is { } algorithm ? ChecksumRequest.Compute(algorithm) : null;
            var body = checksum?.Wrap(source.Content) ?? source.Content;
            part = await store.UploadPartAsync(upload, partNumber, body, source.Range.Length, null, checksum is null ? null : checksum.Value, sealing?.Write.Sealer, context.Aborted).ConfigureAwait(false);
            if (source.Info.BucketVersioning is not null || context.CopySourceVersionId is not null)
            {
                context.Response.Headers["x-amz-copy-source-version-id"] = source.Info.PublicVersionId;
            }
        }

        Encryption.ObjectEncryptionService.WriteHeaders(context, upload.Encryption, sealing?.CustomerKeyMd5);

        var xml = new XmlBuilder()
            .Start("CopyPartResult", S3Context.Xmlns)
            .Element("LastModified", part.LastModified)
            .Element("ETag", ObjectReadHandlers.Quote(part.ETag));
        if (upload.ChecksumAlgorithm is not null && part.ChecksumValue is not null)
        {
            xml.Element("Checksum" + upload.ChecksumAlgorithm, part.ChecksumValue);
        }

        xml.End("CopyPartResult");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    public async Task CompleteAsync(S3Context context)
    {
        var uploadId = context.Query.Get("uploadId")!;
        var upload = await store.Metadata.GetUploadAsync(context.BucketName, context.ObjectKey, uploadId, context.Aborted).ConfigureAwait(false)
            ?? new UploadInfo
            {
                // Gone already: the store answers with the object it completed into, or NoSuchUpload.
                UploadId = uploadId,
                Bucket = context.BucketName,
                Key = context.ObjectKey,
                Initiated = DateTimeOffset.MinValue,
                Headers = new ObjectHeaders(),
            };
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);

        var document = await SafeXml.ReadAsync(context.Auth.Body, MaxCompleteXmlBytes, context.Aborted).ConfigureAwait(false);
        var root = document.DocumentElement!;
        if (root.LocalName != "CompleteMultipartUpload")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var algorithm = ChecksumAlgorithms.Parse(upload.ChecksumAlgorithm);
        var parts = new List<CompletedPart>();
        var claimedChecksums = new Dictionary<int, string>();
        foreach (var element in SafeXml.Children(root, "Part"))
        {
            var numberText = SafeXml.ChildText(element, "PartNumber");
            var etag = SafeXml.ChildText(element, "ETag");
            if (!int.TryParse(numberText, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || etag is null)
            {
                throw new S3Exception(S3ErrorCode.MalformedXML);
            }

            if (number is < 1 or > ObjectStore.MaxPartNumber)
            {
                throw S3Exception.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", numberText);
            }

            parts.Add(new CompletedPart(number, etag.Trim()));
            if (algorithm is not null && SafeXml.ChildText(element, "Checksum" + algorithm.Value.WireName()) is { } claimed)
            {
                claimedChecksums[number] = claimed.Trim();
            }
        }

        if (parts.Count == 0 || parts.Count > ObjectStore.MaxPartNumber)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        // A client may state the whole object's size and checksum; they must match what the parts make.
        var expectedSize = ExpectedObjectSize(context.Header("x-amz-mp-object-size"));
        var claimedWhole = algorithm is null ? null : context.Header(algorithm.Value.HeaderName());
        var info = await store.CompleteUploadAsync(upload, parts, ObjectWriteHandlers.WriteConditionFrom(context), placed =>
        {
            // Checked inside the completing transaction, so a mismatch leaves the upload as it was.
            if (expectedSize is { } size && size != placed.Sum(p => p.Size))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "The provided 'x-amz-mp-object-size' header value does not match the object size.");
            }

            return CombineChecksums(upload, algorithm, placed, claimedChecksums, claimedWhole);
        }, context.Aborted).ConfigureAwait(false);

        Encryption.ObjectEncryptionService.WriteHeaders(context, info.Encryption, null);
        VersioningHandlers.WriteVersionHeader(context, info);
        var host = context.Request.Host.Value;
        var xml = new XmlBuilder()
            .Start("CompleteMultipartUploadResult", S3Context.Xmlns)
            .Element("Location", $"{context.Request.Scheme}://{host}/{context.BucketName}/{Auth.SigV4.UriEncode(context.ObjectKey, encodeSlash: false)}")
            .Element("Bucket", context.BucketName)
            .Element("Key", context.ObjectKey)
            .Element("ETag", ObjectReadHandlers.Quote(info.ETag));
        if (info.Checksum is { } checksum)
        {
            xml.Element("Checksum" + checksum.Algorithm, checksum.Value).Element("ChecksumType", checksum.Type);
        }

        xml.End("CompleteMultipartUploadResult");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    public async Task AbortAsync(S3Context context)
    {
        await store.AbortUploadAsync(context.BucketName, context.ObjectKey, context.Query.Get("uploadId")!, context.Aborted).ConfigureAwait(false);
        context.Response.StatusCode = 204;
    }

    public async Task ListPartsAsync(S3Context context)
    {
        var upload = await Upload(context).ConfigureAwait(false);
        var marker = ParseInt(context.Query.Get("part-number-marker"), "part-number-marker", 0);
        var maxParts = Math.Min(ParseInt(context.Query.Get("max-parts"), "max-parts", MaxListed), MaxListed);
        var parts = await store.Metadata.ListPartsAsync(upload.UploadId, marker, maxParts + 1, context.Aborted).ConfigureAwait(false);
        var truncated = parts.Count > maxParts;
        var shown = parts.Take(maxParts).ToList();

        var xml = new XmlBuilder()
            .Start("ListPartsResult", S3Context.Xmlns)
            .Element("Bucket", context.BucketName)
            .Element("Key", context.ObjectKey)
            .Element("UploadId", upload.UploadId);
        WriteInitiatorAndOwner(xml, context);
        xml.Element("StorageClass", "STANDARD")
            .Element("PartNumberMarker", marker)
            .Element("NextPartNumberMarker", shown.Count > 0 ? shown[^1].PartNumber : marker)
            .Element("MaxParts", maxParts)
            .Element("IsTruncated", truncated)
            .Element("ChecksumAlgorithm", upload.ChecksumAlgorithm)
            .Element("ChecksumType", upload.ChecksumType);
        foreach (var part in shown)
        {
            xml.Start("Part")
                .Element("PartNumber", part.PartNumber)
                .Element("LastModified", part.LastModified)
                .Element("ETag", ObjectReadHandlers.Quote(part.ETag))
                .Element("Size", part.Size);
            if (upload.ChecksumAlgorithm is not null)
            {
                xml.Element("Checksum" + upload.ChecksumAlgorithm, part.ChecksumValue);
            }

            xml.End("Part");
        }

        xml.End("ListPartsResult");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    public async Task ListUploadsAsync(S3Context context)
    {
        await store.GetBucketAsync(context.BucketName, context.Aborted).ConfigureAwait(false);
        var query = context.Query;
        var encode = string.Equals(query.Get("encoding-type"), "url", StringComparison.OrdinalIgnoreCase);
        if (query.Get("encoding-type") is { } encoding && !encode)
        {
            throw S3Exception.InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encoding);
        }

        var prefix = query.Get("prefix") ?? string.Empty;
        var delimiter = string.IsNullOrEmpty(query.Get("delimiter")) ? null : query.Get("delimiter");
        var keyMarker = string.IsNullOrEmpty(query.Get("key-marker")) ? null : query.Get("key-marker");
        var uploadIdMarker = keyMarker is null || string.IsNullOrEmpty(query.Get("upload-id-marker")) ? null : query.Get("upload-id-marker");
        var maxUploads = Math.Min(ParseInt(query.Get("max-uploads"), "max-uploads", MaxListed), MaxListed);

        var uploads = new List<UploadInfo>();
        var prefixes = new List<string>();
        var truncated = false;
        string? lastKey = null, lastUploadId = null;
        var cursorKey = keyMarker;
        var cursorId = uploadIdMarker;
        while (!truncated)
        {
            var batch = await store.Metadata.ListUploadsAsync(context.BucketName, prefix, cursorKey, cursorId, MaxListed, context.Aborted).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                break;
            }

            foreach (var upload in batch)
            {
                cursorKey = upload.Key;
                cursorId = upload.UploadId;
                var rolled = delimiter is null ? -1 : upload.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (rolled >= 0)
                {
                    var commonPrefix = upload.Key[..(rolled + delimiter!.Length)];
                    if (prefixes.Count > 0 && prefixes[^1] == commonPrefix)
                    {
                        continue;
                    }

                    if (keyMarker is not null && string.CompareOrdinal(commonPrefix, keyMarker) <= 0)
                    {
                        continue;
                    }

                    if (uploads.Count + prefixes.Count == maxUploads)
                    {
                        truncated = true;
                        break;
                    }

                    prefixes.Add(commonPrefix);
                    lastKey = commonPrefix;
                    lastUploadId = null;
                    continue;
                }

                if (uploads.Count + prefixes.Count == maxUploads)
                {
                    truncated = true;
                    break;
                }

                uploads.Add(upload);
                lastKey = upload.Key;
                lastUploadId = upload.UploadId;
            }

            if (batch.Count < MaxListed)
            {
                break;
            }
        }

        string Encode(string value) => encode ? Auth.SigV4.UriEncode(value, encodeSlash: false) : value;
        var xml = new XmlBuilder()
            .Start("ListMultipartUploadsResult", S3Context.Xmlns)
            .Element("Bucket", context.BucketName)
            .Element("KeyMarker", Encode(keyMarker ?? string.Empty))
            .Element("UploadIdMarker", uploadIdMarker ?? string.Empty);
        if (truncated)
        {
            xml.Element("NextKeyMarker", Encode(lastKey ?? string.Empty)).Element("NextUploadIdMarker", lastUploadId ?? string.Empty);
        }

        xml.Element("Delimiter", delimiter is null ? null : Encode(delimiter))
            .Element("Prefix", Encode(prefix))
            .Element("MaxUploads", maxUploads)
            .Element("IsTruncated", truncated);
        if (encode)
        {
            xml.Element("EncodingType", "url");
        }

        foreach (var upload in uploads)
        {
            xml.Start("Upload")
                .Element("Key", Encode(upload.Key))
                .Element("UploadId", upload.UploadId);
            WriteInitiatorAndOwner(xml, context);
            xml.Element("StorageClass", "STANDARD")
                .Element("Initiated", upload.Initiated)
                .Element("ChecksumAlgorithm", upload.ChecksumAlgorithm)
                .Element("ChecksumType", upload.ChecksumType)
                .End("Upload");
        }

        foreach (var commonPrefix in prefixes)
        {
            xml.Start("CommonPrefixes").Element("Prefix", Encode(commonPrefix)).End("CommonPrefixes");
        }

        xml.End("ListMultipartUploadsResult");
        await context.WriteXmlAsync(xml).ConfigureAwait(false);
    }

    private static ObjectChecksum? CombineChecksums(UploadInfo upload, ChecksumAlgorithm? algorithm, IReadOnlyList<PartInfo> placed, Dictionary<int, string> claimed, string? claimedWhole)
    {
        if (algorithm is null)
        {
            return null;
        }

        foreach (var part in placed)
        {
            if (part.ChecksumValue is null)
            {
                throw new S3Exception(S3ErrorCode.InvalidPart, $"Part {part.PartNumber} was uploaded without a {algorithm.Value.WireName()} checksum.");
            }

            if (claimed.TryGetValue(part.PartNumber, out var value) && value != part.ChecksumValue)
            {
                throw new S3Exception(S3ErrorCode.InvalidPart, $"The {algorithm.Value.WireName()} checksum given for part {part.PartNumber} does not match the part's.");
            }
        }

        var checksum = upload.ChecksumType == ObjectChecksum.FullObject
            ? new ObjectChecksum(algorithm.Value.WireName(), ChecksumCombiner.FullObject(algorithm.Value, placed.Select(p => (p.ChecksumValue!, p.Size)).ToList()), ObjectChecksum.FullObject)
            : new ObjectChecksum(algorithm.Value.WireName(), ChecksumCombiner.Composite(algorithm.Value, placed.Select(p => p.ChecksumValue!).ToList()), ObjectChecksum.Composite);
        if (claimedWhole is not null && claimedWhole.Trim() != checksum.Value)
        {
            throw new S3Exception(S3ErrorCode.BadDigest, $"The {algorithm.Value.WireName()} you specified for the whole object did not match the calculated checksum.");
        }

        return checksum;
    }

    private static (ChecksumAlgorithm? Algorithm, string? Type) ChecksumChoice(S3Context context)
    {
        var name = context.Header("x-amz-checksum-algorithm");
        var type = context.Header("x-amz-checksum-type")?.ToUpperInvariant();
        if (name is null)
        {
            if (type is not null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
            }

            return (null, null);
        }

        var algorithm = ChecksumAlgorithms.Parse(name) ?? throw new S3Exception(S3ErrorCode.InvalidRequest, "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
        type ??= algorithm == ChecksumAlgorithm.Crc64Nvme ? ObjectChecksum.FullObject : ObjectChecksum.Composite;
        if (type is not (ObjectChecksum.FullObject or ObjectChecksum.Composite)
            || (type == ObjectChecksum.FullObject && !ChecksumCombiner.SupportsFullObject(algorithm))
            || (type == ObjectChecksum.Composite && algorithm == ChecksumAlgorithm.Crc64Nvme))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, $"The {type} checksum type cannot be used with the {algorithm.WireName()} checksum algorithm.");
        }

        return (algorithm, type);
    }

    private static ChecksumRequest? PartChecksum(S3Context context, UploadInfo upload)
    {
        var sent = ChecksumRequest.FromRequest(context.Request, context.Auth);
        var required = ChecksumAlgorithms.Parse(upload.ChecksumAlgorithm);
        if (required is null || sent?.Algorithm == required)
        {
            return sent;
        }

        if (sent is not null)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, $"Checksum Type mismatch occurred, expected checksum Type: {required.Value.WireName().ToLowerInvariant()}, actual checksum Type: {sent.Algorithm.WireName().ToLowerInvariant()}");
        }

        return ChecksumRequest.Compute(required.Value);
    }

    private async Task<UploadInfo> Upload(S3Context context) =>
        await store.GetUploadAsync(context.BucketName, context.ObjectKey, context.Query.Get("uploadId")!, context.Aborted).ConfigureAwait(false);

    private static int PartNumber(S3Context context)
    {
        var text = context.Query.Get("partNumber");
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > ObjectStore.MaxPartNumber)
        {
            throw S3Exception.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", text);
        }

        return number;
    }

    private static ByteRange CopySourceRange(string? header, long size)
    {
        if (header is null)
        {
            return new ByteRange(0, size);
        }

        var value = header.Trim();
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (!value.StartsWith("bytes=", StringComparison.Ordinal) || dash < 0
            || !long.TryParse(value.AsSpan(6, dash - 6), NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(value.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || last < first)
        {
            throw S3Exception.InvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy", "x-amz-copy-source-range", header);
        }

        if (last >= size)
        {
            throw new S3Exception(S3ErrorCode.InvalidRange, "The requested range is not satisfiable")
                .With("RangeRequested", header)
                .With("ActualObjectSize", size.ToString(CultureInfo.InvariantCulture));
        }

        return new ByteRange(first, last - first + 1);
    }

    private static long? ExpectedObjectSize(string? header)
    {
        if (header is null)
        {
            return null;
        }

        if (!long.TryParse(header.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            throw S3Exception.InvalidArgument("The x-amz-mp-object-size header must be a non-negative integer", "x-amz-mp-object-size", header);
        }

        return size;
    }

    private static int ParseInt(string? value, string name, int fallback)
    {
        if (value is null)
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            throw S3Exception.InvalidArgument($"Provided {name} not an integer or within integer range", name, value);
        }

        return parsed;
    }

    private static void WriteInitiatorAndOwner(XmlBuilder xml, S3Context context)
    {
        var principal = context.Auth.Principal;
        xml.Start("Initiator").Element("ID", principal?.Arn).Element("DisplayName", principal?.Name).End("Initiator");
        BucketHandlers.WriteOwner(xml, context);
    }
}
