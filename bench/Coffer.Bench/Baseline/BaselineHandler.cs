using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Coffer.Bench.Baseline;

/// <summary>
/// Answers S3-shaped requests with as little work as Kestrel allows: PUT drains the body and
/// remembers its length, GET sends that many bytes from a reusable block. No auth, no hashing,
/// no disk: an upper bound for what any ASP.NET Core server on this machine can do.
/// </summary>
internal sealed class BaselineHandler
{
    private readonly ConcurrentDictionary<string, long> _sizes = new(StringComparer.Ordinal);
    private readonly ReadOnlyMemory<byte> _pattern = S3.PatternBuffer.Create();

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = request.Path.Value ?? "/";
        var cancellationToken = context.RequestAborted;

        if (HttpMethods.IsPut(request.Method))
        {
            var received = await DrainAsync(context, cancellationToken);
            if (IsObject(path))
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

            response.StatusCode = StatusCodes.Status200OK;
            response.ContentLength = size;
            response.ContentType = "application/octet-stream";
            response.Headers.ETag = ETag(size);
            if (HttpMethods.IsGet(request.Method))
            {
                await SendAsync(response, size, cancellationToken);
            }

            return;
        }

        if (HttpMethods.IsDelete(request.Method))
        {
            _sizes.TryRemove(path, out _);
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        response.StatusCode = StatusCodes.Status405MethodNotAllowed;
    }

    /// <summary>"/bucket/key" names an object; "/" and "/bucket" do not.</summary>
    private static bool IsObject(string path) => path.IndexOf('/', 1) is > 0 and var slash && slash < path.Length - 1;

    private static string ETag(long size) => "\"" + size.ToString("x32", CultureInfo.InvariantCulture) + "\"";

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
