using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Coffer.Protocol.Auth;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// One running server shared by the tests of a class (an xUnit class fixture), with an SDK
/// client, a plain HttpClient and a SigV4 signer for raw requests.
/// </summary>
public sealed class SdkServerFixture : IAsyncLifetime
{
    public const string Region = "us-east-1";

    private CofferServer? _server;
    private int _buckets;

    public CofferServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public Uri Endpoint => Server.Endpoint;

    public AmazonS3Client Client { get; private set; } = null!;

    /// <summary>Every request and response header the shared client exchanged, to see what the SDK really sent.</summary>
    public RecordingHttpClientFactory Wire { get; } = new();

    public HttpClient Http { get; } = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    public SigV4Signer Signer { get; } = new(CofferServer.AccessKey, CofferServer.SecretKey, Region);

    public async Task InitializeAsync()
    {
        _server = await CofferServer.StartAsync();
        Client = CreateClient(forcePathStyle: true, Wire);
    }

    /// <summary>An SDK client as an application would configure it for a self-hosted endpoint; retries off so errors surface.</summary>
    public AmazonS3Client CreateClient(bool forcePathStyle = true, HttpClientFactory? httpClientFactory = null, string? serviceUrl = null, Action<AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = serviceUrl ?? Endpoint.ToString(),
            ForcePathStyle = forcePathStyle,
            AuthenticationRegion = Region,
            MaxErrorRetry = 0,
            Timeout = TimeSpan.FromSeconds(30),
        };
        if (httpClientFactory is not null)
        {
            config.HttpClientFactory = httpClientFactory;
        }

        configure?.Invoke(config);

        return new AmazonS3Client(new BasicAWSCredentials(CofferServer.AccessKey, CofferServer.SecretKey), config);
    }

    /// <summary>Creates a bucket with a name no other test uses.</summary>
    public async Task<string> CreateBucketAsync(string purpose = "test")
    {
        var name = $"{purpose}-{Interlocked.Increment(ref _buckets)}";
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = name });
        return name;
    }

    public async Task<bool> ObjectExistsAsync(string bucket, string key)
    {
        try
        {
            await Client.GetObjectMetadataAsync(bucket, key);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>A request signed with the root credentials; headers that must be signed are added by <paramref name="configure"/> first.</summary>
    public HttpRequestMessage Signed(
        HttpMethod method,
        string pathAndQuery,
        byte[]? body = null,
        Action<HttpRequestMessage>? configure = null,
        string? payloadHash = null,
        DateTimeOffset? now = null,
        SigV4Signer? signer = null)
    {
        var request = new HttpRequestMessage(method, new Uri(Endpoint, pathAndQuery));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        configure?.Invoke(request);
        (signer ?? Signer).Sign(request, payloadHash ?? SigV4.HexSha256(body ?? []), now ?? DateTimeOffset.UtcNow);
        return request;
    }

    public Task<HttpResponseMessage> SendSignedAsync(
        HttpMethod method,
        string pathAndQuery,
        byte[]? body = null,
        Action<HttpRequestMessage>? configure = null,
        string? payloadHash = null) =>
        Http.SendAsync(Signed(method, pathAndQuery, body, configure, payloadHash));

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        Http.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
