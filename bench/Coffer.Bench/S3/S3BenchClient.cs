using System.Net;
using System.Text;
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

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string bucket, string? key, HttpContent? content, CancellationToken cancellationToken)
    {
        var path = "/" + SigV4.UriEncode(bucket, encodeSlash: true);
        if (key is not null)
        {
            path += "/" + SigV4.UriEncode(key, encodeSlash: false);
        }

        using var request = new HttpRequestMessage(method, new Uri(_endpoint, path)) { Content = content };
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
}
