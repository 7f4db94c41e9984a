using System.Security.Authentication;
using System.Text.Json.Nodes;
using Coffer.Audit.Records;
using Coffer.Identity;
using Coffer.Protocol.Auth;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.Audit;

/// <summary>
/// One request's audit record, filled in as the request runs and written exactly once: before
/// the first byte of the response (the front-ends commit explicitly where they write, and a
/// response-start callback catches any other path), or at the end when nothing was sent. An
/// acknowledged request is therefore always on disk before its client hears of it.
/// </summary>
public sealed class RequestAudit
{
    private const int MaxUserAgent = 1024;
    private const int MaxClaimedKey = 128;

    private readonly HttpContext _http;
    private readonly IAuditSink _sink;
    private readonly ProtocolOptions _options;
    private readonly DateTimeOffset _time;
    private Task? _commit;

    private RequestAudit(HttpContext http, IAuditSink sink, ProtocolOptions options, string eventSource, string requestId, DateTimeOffset time)
    {
        _http = http;
        _sink = sink;
        _options = options;
        EventSource = eventSource;
        RequestId = requestId;
        _time = time;
    }

    public string EventSource { get; }

    public string RequestId { get; }

    /// <summary>The operation's name as CloudTrail writes it; "Unknown" until the request is routed.</summary>
    public string EventName { get; set; } = "Unknown";

    /// <summary>The verified caller; null for an anonymous request or one whose authentication failed.</summary>
    public Principal? Principal { get; private set; }

    public bool ReadOnly { get; set; }

    /// <summary>S3 object-level calls, which CloudTrail records as data events.</summary>
    public bool DataEvent { get; set; }

    public JsonObject? RequestParameters { get; set; }

    public JsonObject? ResponseElements { get; set; }

    public IReadOnlyList<AuditResource>? Resources { get; set; }

    public string? ErrorCode { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>S3 only: the request body's length; S3 records carry bytesTransferredIn/Out.</summary>
    public long? BytesTransferredIn { get; set; }

    /// <summary>S3: response headers copied into responseElements of a successful write (x-amz-version-id…).</summary>
    public IReadOnlyList<string>? ResponseHeaderElements { get; set; }

    /// <summary>Whether the record was written (or its writing tried); later commits do nothing.</summary>
    public bool Attempted => _commit is not null;

    private string? _accessKeyId;
    private AuthScheme _scheme;

    /// <summary>Starts the request's record and registers the response-start safety net.</summary>
    public static RequestAudit Begin(HttpContext http, IAuditSink sink, ProtocolOptions options, string eventSource, string requestId, DateTimeOffset time)
    {
        var audit = new RequestAudit(http, sink, options, eventSource, requestId, time);
        http.Features.Set(audit);
        if (sink.Enabled)
        {
            // A path that writes without committing first still records before its headers leave.
            http.Response.OnStarting(static state => ((RequestAudit)state).CommitIfPendingAsync(), audit);
        }

        return audit;
    }

    public static RequestAudit? Of(HttpContext http) => http.Features.Get<RequestAudit>();

    internal void Authenticated(AuthenticatedRequest auth)
    {
        Principal = auth.Principal;
        _accessKeyId = auth.AccessKeyId;
        _scheme = auth.Scheme;
    }

    internal void Authenticated(Principal principal) => Principal = principal;

    /// <summary>The error the client is about to receive.</summary>
    public void Failed(string code, string? message)
    {
        ErrorCode = code;
        ErrorMessage = message;
    }

    /// <summary>Writes the record once; every later call returns the first call's outcome.</summary>
    public Task CommitAsync() => _commit ??= _sink.Enabled ? _sink.RecordAsync(Build(), CancellationToken.None) : Task.CompletedTask;

    /// <summary>Commits unless already tried: a failed commit has been answered with 503 and must not fail that answer too.</summary>
    public Task CommitIfPendingAsync() => Attempted ? Task.CompletedTask : CommitAsync();

    /// <summary>For the end of a request nobody is waiting on any more: records it, and swallows a journal failure.</summary>
    public async Task CommitQuietlyAsync()
    {
        try
        {
            await CommitIfPendingAsync().ConfigureAwait(false);
        }
        catch (Coffer.Audit.AuditUnavailableException)
        {
            // Nothing was acknowledged; the journal has logged its failure.
        }
    }

    internal AuditRecord Build()
    {
        var s3 = EventSource == AuditEventSource.S3;
        var tls = _http.Features.Get<ITlsHandshakeFeature>();
        return new AuditRecord
        {
            UserIdentity = Identity(),
            EventTime = _time,
            EventSource = EventSource,
            EventName = EventName,
            AwsRegion = _options.Region,
            SourceIPAddress = _options.ClientAddress(_http)?.ToString(),
            UserAgent = Truncate(_http.Request.Headers.UserAgent.ToString(), MaxUserAgent) is { Length: > 0 } agent ? agent : null,
            ErrorCode = ErrorCode,
            ErrorMessage = ErrorMessage,
            RequestParameters = RequestParameters,
            ResponseElements = ResponseElements ?? (ErrorCode is null ? HeaderElements() : null),
            AdditionalEventData = s3
                ? new AuditAdditionalEventData
                {
                    SignatureVersion = _scheme switch
                    {
                        AuthScheme.HeaderV4 or AuthScheme.QueryV4 => "SigV4",
                        AuthScheme.HeaderV2 or AuthScheme.QueryV2 => "SigV2",
                        _ => null,
                    },
                    CipherSuite = tls?.NegotiatedCipherSuite?.ToString(),
                    BytesTransferredIn = BytesTransferredIn ?? 0,
                    AuthenticationMethod = _scheme switch
                    {
                        AuthScheme.HeaderV4 or AuthScheme.HeaderV2 => "AuthHeader",
                        AuthScheme.QueryV4 or AuthScheme.QueryV2 => "QueryString",
                        _ => null,
                    },
                    XAmzId2 = RequestId,
                    // A HEAD response names the object's length but carries no body.
                    BytesTransferredOut = HttpMethods.IsHead(_http.Request.Method) ? 0 : _http.Response.ContentLength ?? 0,
                }
                : null,
            RequestId = RequestId,
            EventId = Guid.NewGuid(),
            ReadOnly = ReadOnly,
            Resources = Resources,
            ManagementEvent = !DataEvent,
            RecipientAccountId = _options.AccountId,
            EventCategory = DataEvent ? AuditEventCategory.Data : AuditEventCategory.Management,
            TlsDetails = new AuditTlsDetails
            {
                TlsVersion = tls?.Protocol switch
                {
                    SslProtocols.Tls12 => "TLSv1.2",
                    SslProtocols.Tls13 => "TLSv1.3",
                    _ => null,
                },
                CipherSuite = tls?.NegotiatedCipherSuite?.ToString(),
                ClientProvidedHostHeader = Truncate(_http.Request.Host.Value ?? string.Empty, 256) is { Length: > 0 } host ? host : null,
            },
        };
    }

    /// <summary>userIdentity as CloudTrail writes it for each kind of caller.</summary>
    private AuditUserIdentity Identity()
    {
        if (Principal is not { } principal)
        {
            // Credentials were offered but not verified: who they claim to be is still worth keeping.
            return ClaimedAccessKey(_http.Request) is { } claimed
                ? new AuditUserIdentity { Type = AuditIdentityType.Unknown, PrincipalId = "", AccessKeyId = claimed }
                : AuditUserIdentity.Anonymous;
        }

        var attributes = principal.IsTemporary
            ? new AuditSessionAttributes { CreationDate = principal.TokenIssueTime ?? _time, MfaAuthenticated = principal.MultiFactorAuthenticated }
            : null;
        return principal.Type switch
        {
            PrincipalType.AssumedRole => new AuditUserIdentity
            {
                Type = AuditIdentityType.AssumedRole,
                PrincipalId = principal.UserId,
                Arn = principal.Arn,
                AccountId = principal.AccountId,
                AccessKeyId = _accessKeyId,
                SessionContext = new AuditSessionContext
                {
                    SessionIssuer = new AuditSessionIssuer
                    {
                        Type = AuditIdentityType.Role,
                        PrincipalId = principal.UserId.Split(':')[0],
                        Arn = principal.RoleArn,
                        AccountId = principal.AccountId,
                        UserName = principal.RoleName,
                    },
                    Attributes = attributes ?? new AuditSessionAttributes { CreationDate = _time },
                },
            },
            PrincipalType.Account => new AuditUserIdentity
            {
                Type = AuditIdentityType.Root,
                PrincipalId = principal.AccountId,
                Arn = principal.Arn,
                AccountId = principal.AccountId,
                AccessKeyId = _accessKeyId,
                SessionContext = attributes is null ? null : new AuditSessionContext { Attributes = attributes },
            },
            _ => new AuditUserIdentity
            {
                Type = AuditIdentityType.IamUser,
                PrincipalId = principal.UserId,
                Arn = principal.Arn,
                AccountId = principal.AccountId,
                AccessKeyId = _accessKeyId,
                UserName = principal.UserName ?? principal.Name,
                SessionContext = attributes is null ? null : new AuditSessionContext { Attributes = attributes },
            },
        };
    }

    private JsonObject? HeaderElements()
    {
        if (ResponseHeaderElements is null)
        {
            return null;
        }

        JsonObject? elements = null;
        foreach (var name in ResponseHeaderElements)
        {
            if (_http.Response.Headers.TryGetValue(name, out var value) && value.Count > 0)
            {
                (elements ??= [])[name] = value.ToString();
            }
        }

        return elements;
    }

    /// <summary>The access key id an unverified request names: SigV4/V2 header or pre-signed query.</summary>
    internal static string? ClaimedAccessKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        string? claimed = null;
        if (authorization.StartsWith("AWS4-", StringComparison.Ordinal))
        {
            var at = authorization.IndexOf("Credential=", StringComparison.Ordinal);
            if (at >= 0)
            {
                var rest = authorization.AsSpan(at + "Credential=".Length);
                var end = rest.IndexOfAny('/', ',', ' ');
                claimed = (end < 0 ? rest : rest[..end]).ToString();
            }
        }
        else if (authorization.StartsWith("AWS ", StringComparison.Ordinal))
        {
            var rest = authorization.AsSpan(4);
            var colon = rest.IndexOf(':');
            claimed = (colon < 0 ? rest : rest[..colon]).Trim().ToString();
        }
        else if (request.Query["X-Amz-Credential"].ToString() is { Length: > 0 } credential)
        {
            var slash = credential.IndexOf('/', StringComparison.Ordinal);
            claimed = slash < 0 ? credential : credential[..slash];
        }
        else if (request.Query["AWSAccessKeyId"].ToString() is { Length: > 0 } v2)
        {
            claimed = v2;
        }
        else if (authorization.Length > 0)
        {
            claimed = "";
        }

        return claimed is null ? null : Truncate(claimed, MaxClaimedKey);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
