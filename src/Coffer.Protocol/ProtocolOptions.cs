using System.Net;

namespace Coffer.Protocol;

/// <summary>What the front-ends need to know about the deployment.</summary>
public sealed class ProtocolOptions
{
    public string Region { get; set; } = "us-east-1";

    /// <summary>Host (and port) clients use to reach the server when it differs from what it receives, e.g. behind a reverse proxy; signatures are checked against it.</summary>
    public string? PublicHost { get; set; }

    /// <summary>Proxies whose X-Forwarded-Host / -Proto are believed.</summary>
    public IReadOnlyList<IPAddress> TrustedProxies { get; set; } = [];

    /// <summary>Host names under which <c>bucket.{name}</c> is virtual-hosted-style addressing.</summary>
    public IReadOnlyList<string> VirtualHostSuffixes { get; set; } = ["localhost"];

    /// <summary>Whether the request came straight from one of <see cref="TrustedProxies"/>, whose X-Forwarded-* headers are then believed.</summary>
    public bool IsFromTrustedProxy(Microsoft.AspNetCore.Http.HttpContext http) =>
        TrustedProxies.Count > 0
        && http.Connection.RemoteIpAddress is { } remote
        && TrustedProxies.Contains(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    /// <summary>The client's address: a trusted proxy's X-Forwarded-For (its last hop), else the peer.</summary>
    public IPAddress? ClientAddress(Microsoft.AspNetCore.Http.HttpContext http)
    {
        var remote = http.Connection.RemoteIpAddress;
        if (IsFromTrustedProxy(http) && http.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var last = forwarded.Split(',')[^1].Trim();
            if (IPAddress.TryParse(last, out var parsed))
            {
                remote = parsed;
            }
        }

        return remote is { IsIPv4MappedToIPv6: true } ? remote.MapToIPv4() : remote;
    }

    /// <summary>Whether the client's connection is TLS: directly, or to a trusted proxy that says so.</summary>
    public bool IsSecure(Microsoft.AspNetCore.Http.HttpContext http) =>
        http.Request.IsHttps
        || (IsFromTrustedProxy(http) && http.Request.Headers["X-Forwarded-Proto"].ToString().Equals("https", StringComparison.OrdinalIgnoreCase));

    /// <summary>SSE-C keys over plain HTTP, which S3 refuses; for tests on loopback only.</summary>
    public bool AllowCustomerKeysOverHttp { get; set; }

    /// <summary>Writes without SSE headers are stored in plaintext; only for measuring what encryption costs.</summary>
    public bool BenchUnencrypted { get; set; }

    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The shortest session STS issues, in seconds (AWS: 900).</summary>
    public int StsMinimumDurationSeconds { get; set; } = 900;

    /// <summary>The account that owns every bucket, as ACLs and owners name it.</summary>
    public string? AccountId { get; set; }

    /// <summary>The account-wide Block Public Access, combined (OR) with each bucket's own; none by default.</summary>
    public S3.PublicAccessBlock AccountPublicAccessBlock { get; set; } = S3.PublicAccessBlock.None;

    /// <summary>Total size of request headers accepted before RequestHeaderSectionTooLarge.</summary>
    public int MaxHeaderBytes { get; set; } = 16 * 1024;
}
