using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;

namespace Coffer.IntegrationTests;

/// <summary>
/// Gives the SDK an HttpClient that remembers the headers of every exchange, and that resolves
/// <c>*.localhost</c> to loopback so virtual-hosted-style addressing works without DNS.
/// </summary>
public sealed class RecordingHttpClientFactory : HttpClientFactory
{
    public ConcurrentQueue<RecordedExchange> Exchanges { get; } = new();

    public override HttpClient CreateHttpClient(IClientConfig clientConfig)
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = ConnectLoopbackAsync,
        };
        return new HttpClient(new RecordingHandler(this, sockets)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

    /// <summary>The last exchange whose request path ends with <paramref name="pathSuffix"/> and used <paramref name="method"/>.</summary>
    public RecordedExchange Last(HttpMethod method, string pathSuffix) =>
        Exchanges.Reverse().First(e => e.Method == method && e.Uri.AbsolutePath.EndsWith(pathSuffix, StringComparison.Ordinal));

    /// <summary>A SocketsHttpHandler ConnectCallback sending localhost and *.localhost to 127.0.0.1.</summary>
    public static async ValueTask<Stream> ConnectLoopbackAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            ? IPAddress.Loopback
            : (await Dns.GetHostAddressesAsync(host, cancellationToken))[0];
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private sealed class RecordingHandler(RecordingHttpClientFactory owner, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = request.Headers
                .Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
                .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
            var response = await base.SendAsync(request, cancellationToken);
            owner.Exchanges.Enqueue(new RecordedExchange(request.Method, request.RequestUri!, headers, response.StatusCode));
            return response;
        }
    }
}

public sealed record RecordedExchange(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> RequestHeaders, HttpStatusCode Status);
