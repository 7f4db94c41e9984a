using System.Collections.Concurrent;
using System.Globalization;
using System.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Coffer.Bench.Baseline;

/// <summary>
/// Answers S3-shaped requests with as little work as Kestrel allows: PUT drains the body and
/// remembers its length, GET sends that many bytes (or the requested range) from a reusable block,
/// and the multipart calls keep only part sizes. No auth, no hashing, no disk: an upper bound for
/// what any ASP.NET Core server on this machine can do.
/// </summary>
internal sealed class BaselineHandler
{
    private const string Xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

    private readonly ConcurrentDictionary<string, long> _sizes = new(StringComparer.Ordinal);

    /// <summary>Upload id → part number → part size.</summary>
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<int, long>> _uploads = new(StringComparer.Ordinal);

    private readonly ReadOnlyMemory<byte> _pattern = S3.PatternBuffer.Create();

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "/";
        var query = request.Query;
        var cancellationToken = context.RequestAborted;

        if (HttpMethods.IsPost(request.Method) && IsObject(path))
        {
            if (query.ContainsKey("uploads"))
            {
                await InitiateAsync(context, path);
                return;
            }

            if (query["uploadId"] is [{ } completeId])
            {
                await CompleteAsync(context, path, completeId);
                return;
            }
        }

        if (HttpMethods.IsPut(request.Method))
        {
            var received = await DrainAsync(context, cancellationToken);
            if (query["uploadId"] is [{ } uploadId] && query["partNumber"] is [{ } partText])
            {
                if (!int.TryParse(partText, NumberStyles.None, CultureInfo.InvariantCulture, out var partNumber) || !_uploads.TryGetValue(uploadId, out var parts))
                {
                    response.StatusCode = StatusCodes.Status404NotFound;
                    return;
                }

                parts[partNumber] = received;
                response.Headers.ETag = ETag(received);
            }
            else if (IsObject(path))
            {
                _sizes[path] = received;
                response.Headers.ETag = ETag(received);
            }

            response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            if (!IsObject(path))
            {
                response.StatusCode = StatusCodes.Status200OK;
                return;
            }

            if (!_sizes.TryGetValue(path, out var size))
            {
                response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var length = size;
            response.StatusCode = StatusCodes.Status200OK;
            if (request.Headers.Range.Count > 0)
            {
                if (!TryResolveRange(request.Headers.Range.ToString(), size, out var first, out var last))
                {
                    response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                    response.Headers.ContentRange = $"bytes */{size}";
                    return;
                }

                length = last - first + 1;
                response.StatusCode = StatusCodes.Status206PartialContent;
                response.Headers.ContentRange = $"bytes {first}-{last}/{size}";
            }

            response.ContentLength = length;
            response.ContentType = "application/octet-stream";
            response.Headers.ETag = ETag(size);
            if (HttpMethods.IsGet(request.Method))
            {
                await SendAsync(response, length, cancellationToken);
            }

            return;
        }

        if (HttpMethods.IsDelete(request.Method))
        {
            if (query["uploadId"] is [{ } abortId])
            {
                _uploads.TryRemove(abortId, out _);
            }
            else
            {
                _sizes.TryRemove(path, out _);
            }

            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        response.StatusCode = StatusCodes.Status405MethodNotAllowed;
    }

    /// <summary>"/bucket/key" names an object; "/" and "/bucket" do not.</summary>
    private static bool IsObject(string path) => path.IndexOf('/', 1) is > 0 and var slash && slash < path.Length - 1;

    private static string ETag(long size) => "\"" + size.ToString("x32", CultureInfo.InvariantCulture) + "\"";

    /// <summary>One range of the forms <c>bytes=a-b</c>, <c>bytes=a-</c> and <c>bytes=-n</c>; the end is clamped to the object, as S3 does.</summary>
    private static bool TryResolveRange(string header, long size, out long first, out long last)
    {
        first = last = 0;
        if (!RangeHeaderValue.TryParse(header, out var parsed) || parsed.Unit != "bytes" || parsed.Ranges.Count != 1 || size == 0)
        {
            return false;
        }

        var range = parsed.Ranges.First();
        if (range.From is { } from)
        {
            first = from;
            last = Math.Min(range.To ?? long.MaxValue, size - 1);
        }
        else if (range.To is { } suffix && suffix > 0)
        {
            first = Math.Max(size - suffix, 0);
            last = size - 1;
        }
        else
        {
            return false;
        }

        return first <= last;
    }

    private async Task InitiateAsync(HttpContext context, string path)
    {
        await DrainAsync(context, context.RequestAborted);
        var uploadId = Guid.NewGuid().ToString("N");
        _uploads[uploadId] = new ConcurrentDictionary<int, long>();
        var (bucket, key) = Split(path);
        await WriteXmlAsync(
            context.Response,
            $"<InitiateMultipartUploadResult xmlns=\"{Xmlns}\"><Bucket>{bucket}</Bucket><Key>{key}</Key><UploadId>{uploadId}</UploadId></InitiateMultipartUploadResult>",
            context.RequestAborted);
    }

    /// <summary>Takes the sizes of the parts uploaded, not those the request lists: the baseline parses nothing it can avoid.</summary>
    private async Task CompleteAsync(HttpContext context, string path, string uploadId)
    {
        await DrainAsync(context, context.RequestAborted);
        if (!_uploads.TryRemove(uploadId, out var parts))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var size = parts.Values.Sum();
        _sizes[path] = size;
        var (bucket, key) = Split(path);
        await WriteXmlAsync(
            context.Response,
            $"<CompleteMultipartUploadResult xmlns=\"{Xmlns}\"><Bucket>{bucket}</Bucket><Key>{key}</Key><ETag>{SecurityElement.Escape(ETag(size))}-{parts.Count}</ETag></CompleteMultipartUploadResult>",
            context.RequestAborted);
    }

    private static (string Bucket, string Key) Split(string path)
    {
        var slash = path.IndexOf('/', 1);
        return (SecurityElement.Escape(path[1..slash]), SecurityElement.Escape(Uri.UnescapeDataString(path[(slash + 1)..])));
    }

    private static async Task WriteXmlAsync(HttpResponse response, string xml, CancellationToken cancellationToken)
    {
        var body = System.Text.Encoding.UTF8.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + xml);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/xml";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, cancellationToken);
    }

    private static async Task<long> DrainAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var reader = context.Request.BodyReader;
        long received = 0;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            received += result.Buffer.Length;
            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                return received;
            }
        }
    }

    private async Task SendAsync(HttpResponse response, long size, CancellationToken cancellationToken)
    {
        var remaining = size;
        while (remaining > 0)
        {
            var count = (int)Math.Min(remaining, _pattern.Length);
            await response.Body.WriteAsync(_pattern[..count], cancellationToken);
            remaining -= count;
        }
    }
}
