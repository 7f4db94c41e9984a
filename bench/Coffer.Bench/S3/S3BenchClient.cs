using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Xml;
using Coffer.Bench.Cli;
using Coffer.Protocol.Auth;

namespace Coffer.Bench.S3;

/// <summary>
/// The few S3 calls the benchmark makes, path-style over a raw <see cref="HttpClient"/>, signed with
/// SigV4 and an unsigned payload so that hashing the body never limits the client.
/// </summary>
internal sealed class S3BenchClient : IDisposable
{
    private const int ErrorBodyLimit = 4096;

    /// <summary>Multipart answers are a few hundred bytes; anything this long is not one.</summary>
    private const int XmlBodyLimit = 64 * 1024;

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly string _region;
    private readonly SigV4Signer _signer;
    private readonly TimeProvider _time;

    public S3BenchClient(Uri endpoint, string accessKey, string secretKey, string region, int maxConnections, TimeProvider time)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };

        // Every call carries its own deadline through its cancellation token.
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _endpoint = endpoint;
        _region = region;
        _signer = new SigV4Signer(accessKey, secretKey, region);
        _time = time;
    }

    /// <summary>True when HEAD finds the bucket; false for any other answer, which <see cref="CreateBucketAsync"/> then explains.</summary>
    public async Task<bool> BucketExistsAsync(string bucket, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Head, bucket, key: null, content: null, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    /// <summary>Creates the bucket; false when it already existed and is ours.</summary>
    public async Task<bool> CreateBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        HttpContent? body = null;
        if (_region != "us-east-1")
        {
            body = new StringContent(
                $"<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>{_region}</LocationConstraint></CreateBucketConfiguration>",
                Encoding.UTF8,
                "application/xml");
        }

        using var response = await SendAsync(HttpMethod.Put, bucket, key: null, body, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        var failure = await FailureAsync("PUT", bucket, null, response, cancellationToken);
        return response.StatusCode == HttpStatusCode.Conflict && failure.Message.Contains("BucketAlreadyOwnedByYou", StringComparison.Ordinal)
            ? false
            : throw failure;
    }

    public async Task DeleteBucketAsync(string bucket, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, bucket, key: null, content: null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync("DELETE", bucket, null, response, cancellationToken);
        }
    }

    /// <summary>
    /// Uploads <paramref name="length"/> bytes cut from <paramref name="pattern"/> in one request, and
    /// returns how long the server took to answer once the whole body was sent: its commit time.
    /// </summary>
    public async Task<TimeSpan> PutObjectAsync(string bucket, string key, ReadOnlyMemory<byte> pattern, long length, CancellationToken cancellationToken)
    {
        using var content = new PatternContent(pattern, length, _time);
        using var response = await SendAsync(HttpMethod.Put, bucket, key, content, cancellationToken);
        var answered = _time.GetTimestamp();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync("PUT", bucket, key, response, cancellationToken);
        }

        return content.SentTimestamp is { } sent ? _time.GetElapsedTime(sent, answered) : TimeSpan.Zero;
    }

    /// <summary>Downloads an object into <paramref name="scratch"/> over and over, and checks it has <paramref name="expectedLength"/> bytes.</summary>
    public async Task GetObjectAsync(string bucket, string key, long expectedLength, Memory<byte> scratch, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, bucket, key, content: null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync("GET", bucket, key, response, cancellationToken);
        }

        var declared = response.Content.Headers.ContentLength;
        if (declared is not null && declared != expectedLength)
        {
            throw new BenchException($"GET /{bucket}/{key}: Content-Length {declared}, expected {expectedLength}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        long received = 0;
        int read;
        while ((read = await body.ReadAsync(scratch, cancellationToken)) > 0)
        {
            received += read;
        }

        if (received != expectedLength)
        {
            throw new BenchException($"GET /{bucket}/{key}: received {received} bytes, expected {expectedLength}");
        }
    }

    public async Task DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, bucket, key, content: null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync("DELETE", bucket, key, response, cancellationToken);
        }
    }

    /// <summary>
    /// One ListObjectVersions page, read to the end: how many versions and delete markers it held,
    /// and the markers of the next page when it is truncated.
    /// </summary>
    public async Task<VersionPage> ListObjectVersionsAsync(
        string bucket, string? prefix, int maxKeys, string? keyMarker, string? versionIdMarker, CancellationToken cancellationToken)
    {
        var query = new StringBuilder("versions=&max-keys=").Append(maxKeys.ToString(CultureInfo.InvariantCulture));
        if (prefix is not null)
        {
            query.Append("&prefix=").Append(SigV4.UriEncode(prefix, encodeSlash: true));
        }

        if (keyMarker is not null)
        {
            query.Append("&key-marker=").Append(SigV4.UriEncode(keyMarker, encodeSlash: true))
                .Append("&version-id-marker=").Append(SigV4.UriEncode(versionIdMarker ?? string.Empty, encodeSlash: true));
        }

        using var response = await SendAsync(HttpMethod.Get, bucket, key: null, query.ToString(), content: null, range: null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync("GET ?versions", bucket, null, response, cancellationToken);
        }

        // Pages of a thousand entries run to hundreds of KiB: streamed, not loaded.
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = XmlReader.Create(body, new XmlReaderSettings { Async = true, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
        var entries = 0;
        var truncated = false;
        string? nextKey = null, nextVersion = null;
        // Reading an element's content leaves the reader on the node after it, already read.
        var more = await reader.ReadAsync();
        while (more)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == 1)
            {
                switch (reader.LocalName)
                {
                    case "Version" or "DeleteMarker":
                        entries++;
                        break;
                    case "IsTruncated":
                        truncated = await reader.ReadElementContentAsStringAsync() == "true";
                        continue;
                    case "NextKeyMarker":
                        nextKey = await reader.ReadElementContentAsStringAsync();
                        continue;
                    case "NextVersionIdMarker":
                        nextVersion = await reader.ReadElementContentAsStringAsync();
                        continue;
                }
            }

            more = await reader.ReadAsync();
        }

        return new VersionPage(entries, truncated, nextKey, nextVersion);
    }

    /// <summary>CreateMultipartUpload: returns the upload id.</summary>
    public async Task<string> CreateMultipartUploadAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, bucket, key, "uploads", content: null, range: null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync("POST ?uploads", bucket, key, response, cancellationToken);
        }

        var document = await ReadXmlAsync(response, cancellationToken);
        return ChildText(document, "InitiateMultipartUploadResult", "UploadId")
            ?? throw new BenchException($"POST /{bucket}/{key}?uploads: no UploadId in the answer");
    }

    /// <summary>UploadPart with a body of <paramref name="length"/> bytes cut from <paramref name="pattern"/>; returns the part's ETag.</summary>
    public async Task<string> UploadPartAsync(
        string bucket, string key, string uploadId, int partNumber, ReadOnlyMemory<byte> pattern, long length, CancellationToken cancellationToken)
    {
        using var content = new PatternContent(pattern, length, _time);
        var query = $"partNumber={partNumber.ToString(CultureInfo.InvariantCulture)}&uploadId={Uri.EscapeDataString(uploadId)}";
        using var response = await SendAsync(HttpMethod.Put, bucket, key, query, content, range: null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync($"PUT part {partNumber}", bucket, key, response, cancellationToken);
        }

        return response.Headers.ETag?.ToString() is { Length: > 0 } etag
            ? etag
            : throw new BenchException($"PUT /{bucket}/{key} part {partNumber}: no ETag in the answer");
    }

    /// <summary>
    /// CompleteMultipartUpload with the parts in order. Returns once the whole answer has arrived: S3 may
    /// send 200 at once and the outcome (a result or an <c>Error</c>) only when it is done.
    /// </summary>
    public async Task CompleteMultipartUploadAsync(string bucket, string key, string uploadId, IReadOnlyList<string> etags, CancellationToken cancellationToken)
    {
        var xml = new StringBuilder("<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
        for (var i = 0; i < etags.Count; i++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<Part><PartNumber>{i + 1}</PartNumber><ETag>{SecurityElement.Escape(etags[i])}</ETag></Part>");
        }

        xml.Append("</CompleteMultipartUpload>");
        using var content = new StringContent(xml.ToString(), Encoding.UTF8, "application/xml");
        using var response = await SendAsync(HttpMethod.Post, bucket, key, "uploadId=" + Uri.EscapeDataString(uploadId), content, range: null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await FailureAsync("POST ?uploadId", bucket, key, response, cancellationToken);
        }

        var document = await ReadXmlAsync(response, cancellationToken);
        if (document.DocumentElement?.LocalName != "CompleteMultipartUploadResult")
        {
            var code = ChildText(document, "Error", "Code") ?? document.DocumentElement?.LocalName ?? "an empty answer";
            throw new BenchException($"POST /{bucket}/{key}?uploadId: 200 OK with {code}");
        }
    }

    public async Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, bucket, key, "uploadId=" + Uri.EscapeDataString(uploadId), content: null, range: null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync("DELETE ?uploadId", bucket, key, response, cancellationToken);
        }
    }

    /// <summary>
    /// GET with <c>Range: bytes=first-last</c> into <paramref name="scratch"/>; checks the 206, the
    /// Content-Range, and that exactly the requested bytes arrived.
    /// </summary>
    public async Task GetRangeAsync(string bucket, string key, long first, long last, long objectSize, Memory<byte> scratch, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, bucket, key, query: null, content: null, (first, last), cancellationToken);
        var target = $"GET /{bucket}/{key} bytes={first}-{last}";
        if (response.StatusCode != HttpStatusCode.PartialContent)
        {
            throw response.IsSuccessStatusCode
                ? new BenchException($"{target}: {(int)response.StatusCode} {response.ReasonPhrase}, expected 206")
                : await FailureAsync("GET (range)", bucket, key, response, cancellationToken);
        }

        var expected = last - first + 1;
        var contentRange = response.Content.Headers.ContentRange;
        if (contentRange is null || contentRange.From != first || contentRange.To != last || (contentRange.Length is { } total && total != objectSize))
        {
            throw new BenchException($"{target}: Content-Range '{contentRange}', expected bytes {first}-{last}/{objectSize}");
        }

        if (response.Content.Headers.ContentLength is { } declared && declared != expected)
        {
            throw new BenchException($"{target}: Content-Length {declared}, expected {expected}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        long received = 0;
        int read;
        while ((read = await body.ReadAsync(scratch, cancellationToken)) > 0)
        {
            received += read;
        }

        if (received != expected)
        {
            throw new BenchException($"{target}: received {received} bytes, expected {expected}");
        }
    }

    public void Dispose() => _http.Dispose();

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string bucket, string? key, HttpContent? content, CancellationToken cancellationToken) =>
        SendAsync(method, bucket, key, query: null, content, range: null, cancellationToken);

    /// <param name="query">Already encoded, without the leading '?'.</param>
    /// <param name="range">An inclusive byte range for a <c>Range</c> header.</param>
    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string bucket, string? key, string? query, HttpContent? content, (long First, long Last)? range, CancellationToken cancellationToken)
    {
        var path = "/" + SigV4.UriEncode(bucket, encodeSlash: true);
        if (key is not null)
        {
            path += "/" + SigV4.UriEncode(key, encodeSlash: false);
        }

        if (query is not null)
        {
            path += "?" + query;
        }

        using var request = new HttpRequestMessage(method, new Uri(_endpoint, path)) { Content = content };
        if (range is { } r)
        {
            request.Headers.Range = new RangeHeaderValue(r.First, r.Last);
        }

        _signer.Sign(request, SigV4.UnsignedPayload, _time.GetUtcNow());
        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>An exception naming the request, the status and the S3 error code, from at most the first few KiB of the body.</summary>
    private static async Task<BenchException> FailureAsync(string method, string bucket, string? key, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var target = key is null ? $"/{bucket}" : $"/{bucket}/{key}";
        var code = string.Empty;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[ErrorBodyLimit];
            var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            var text = Encoding.UTF8.GetString(buffer, 0, length);
            var start = text.IndexOf("<Code>", StringComparison.Ordinal);
            var end = start < 0 ? -1 : text.IndexOf("</Code>", start, StringComparison.Ordinal);
            if (end > start)
            {
                code = " " + text[(start + "<Code>".Length)..end];
            }
        }
        catch (HttpRequestException)
        {
            // The status line is the useful part; a broken error body adds nothing.
        }

        return new BenchException($"{method} {target}: {(int)response.StatusCode} {response.ReasonPhrase}{code}");
    }

    /// <summary>Reads a small XML answer (at most <see cref="XmlBodyLimit"/> bytes), with DTDs refused.</summary>
    private static async Task<XmlDocument> ReadXmlAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[XmlBodyLimit];
        var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (length == buffer.Length && body.ReadByte() >= 0)
        {
            throw new BenchException($"{response.RequestMessage?.RequestUri}: XML answer longer than {XmlBodyLimit} bytes");
        }

        var document = new XmlDocument { XmlResolver = null };
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(buffer, 0, length), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            document.Load(reader);
        }
        catch (XmlException e)
        {
            throw new BenchException($"{response.RequestMessage?.RequestUri}: the answer is not XML ({e.Message})");
        }

        return document;
    }

    private static string? ChildText(XmlDocument document, string root, string child)
    {
        if (document.DocumentElement is not { } element || element.LocalName != root)
        {
            return null;
        }

        foreach (XmlNode node in element.ChildNodes)
        {
            if (node.LocalName == child)
            {
                return node.InnerText;
            }
        }

        return null;
    }
}
