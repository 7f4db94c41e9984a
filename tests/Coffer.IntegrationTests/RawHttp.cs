using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Coffer.IntegrationTests;

/// <summary>
/// HTTP/1.1 over a bare socket, for requests HttpClient will not send: a Content-Length that the
/// body does not honour, a body cut off mid-way.
/// </summary>
public static class RawHttp
{
    /// <summary>The request line and headers of <paramref name="request"/> (already signed), with the given Content-Length.</summary>
    public static byte[] Head(HttpRequestMessage request, long? contentLength)
    {
        var uri = request.RequestUri!;
        var text = new StringBuilder();
        text.Append(request.Method.Method).Append(' ').Append(uri.PathAndQuery).Append(" HTTP/1.1\r\n");
        text.Append("Host: ").Append(uri.Host).Append(':').Append(uri.Port).Append("\r\n");
        foreach (var (name, values) in request.Headers)
        {
            text.Append(name).Append(": ").Append(string.Join(",", values)).Append("\r\n");
        }

        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    text.Append(name).Append(": ").Append(string.Join(",", values)).Append("\r\n");
                }
            }
        }

        if (contentLength is { } length)
        {
            text.Append("Content-Length: ").Append(length).Append("\r\n");
        }

        text.Append("\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Sends <paramref name="head"/> and <paramref name="body"/>, then reads one response.</summary>
    public static async Task<RawResponse> SendAsync(Uri endpoint, byte[] head, byte[] body, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, endpoint.Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(head, cancellationToken);
        if (body.Length > 0)
        {
            try
            {
                await stream.WriteAsync(body, cancellationToken);
            }
            catch (IOException)
            {
                // The server may answer and close before reading a body it has already refused.
            }
        }

        return await ReadResponseAsync(stream, cancellationToken);
    }

    /// <summary>Sends <paramref name="head"/> and part of a body, then drops the connection without a response.</summary>
    public static async Task SendAndAbandonAsync(Uri endpoint, byte[] head, byte[] partialBody, CancellationToken cancellationToken = default)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, endpoint.Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(head, cancellationToken);
        await stream.WriteAsync(partialBody, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        client.Client.Shutdown(SocketShutdown.Both);
        client.Close();
    }

    private static async Task<RawResponse> ReadResponseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int headerEnd;
        while ((headerEnd = IndexOf(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), "\r\n\r\n"u8)) < 0)
        {
            var n = await stream.ReadAsync(chunk, timeout.Token);
            if (n == 0)
            {
                throw new IOException("The connection closed before a response arrived.");
            }

            buffer.Write(chunk, 0, n);
        }

        var all = buffer.ToArray();
        var lines = Encoding.ASCII.GetString(all, 0, headerEnd).Split("\r\n");
        var status = (HttpStatusCode)int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = new MemoryStream();
        body.Write(all, headerEnd + 4, all.Length - headerEnd - 4);
        var expected = headers.TryGetValue("Content-Length", out var length) ? long.Parse(length, System.Globalization.CultureInfo.InvariantCulture) : long.MaxValue;
        while (body.Length < expected)
        {
            var n = await stream.ReadAsync(chunk, timeout.Token);
            if (n == 0)
            {
                break;
            }

            body.Write(chunk, 0, n);
        }

        return new RawResponse(status, headers, Encoding.UTF8.GetString(body.ToArray()));
    }

    private static int IndexOf(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle) => haystack.IndexOf(needle);
}

public sealed record RawResponse(HttpStatusCode Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The same response as an HttpResponseMessage, so the usual S3 error assertions apply.</summary>
    public HttpResponseMessage ToHttpResponse()
    {
        var response = new HttpResponseMessage(Status) { Content = new StringContent(Body) };
        response.Content.Headers.ContentType = null;
        foreach (var (name, value) in Headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                response.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }
}
