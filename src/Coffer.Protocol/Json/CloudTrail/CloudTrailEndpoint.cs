using Coffer.Audit.Lookup;
using Coffer.Identity.AccessKeys;
using Coffer.Identity.Sessions;
using Coffer.Protocol.Audit;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Coffer.Protocol.Json.CloudTrail;

/// <summary>
/// CloudTrail's JSON 1.1 API (X-Amz-Target com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.*,
/// SigV4 service "cloudtrail") on the same port as S3: LookupEvents over the audit trail's lookup
/// index, authorised as cloudtrail:LookupEvents on "*".
/// </summary>
public sealed class CloudTrailEndpoint
{
    public const string Service = "cloudtrail";
    public const string TargetPrefix = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";

    private readonly JsonFrontEnd<CloudTrailOperation> _frontEnd;
    private readonly CloudTrailHandlers _handlers;

    public const string EventSource = "cloudtrail.amazonaws.com";

    public CloudTrailEndpoint(AuditLookupService lookup, AccessKeyStore keys, SessionTokens sessions, Authorizer authorizer, IAuditSink audit, ProtocolOptions options, TimeProvider time, ILogger<CloudTrailEndpoint> logger)
    {
        _frontEnd = new JsonFrontEnd<CloudTrailOperation>(
            new SigV4Authenticator(keys, sessions, time, options), Service, TargetPrefix, "InternalFailure", "ServiceUnavailableException", EventSource, audit, options, time, logger);
        _handlers = new CloudTrailHandlers(lookup, authorizer);
    }

    /// <summary>An unsigned request that names a CloudTrail operation, so that it gets a JSON MissingAuthenticationToken rather than S3's error.</summary>
    public static bool IsUnsignedCall(HttpRequest request) =>
        request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal);

    public Task HandleAsync(HttpContext http) =>
        _frontEnd.HandleAsync(http, _handlers.DispatchAsync, _ => null);
}
