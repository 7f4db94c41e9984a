using Coffer.Identity.AccessKeys;
using Coffer.Identity.Iam;
using Coffer.Identity.Sessions;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Authorization;
using Coffer.Protocol.Http;
using Coffer.Protocol.Query;
using Coffer.Protocol.S3;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Coffer.Protocol.Sts;

/// <summary>
/// The STS Query API on the same port, recognised by the signature scope's service "sts":
/// authenticate, run the action, answer in STS's XML, errors included.
/// </summary>
public sealed class StsEndpoint
{
    public const string Service = "sts";
    public const string Version = "2011-06-15";
    public const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private readonly QueryFrontEnd<StsOperation> _frontEnd;
    private readonly StsHandlers _handlers;

    public StsEndpoint(IamStore store, AccessKeyStore keys, SessionTokens sessions, Authorizer authorizer, Audit.IAuditSink audit, ProtocolOptions options, TimeProvider time, ILogger<StsEndpoint> logger)
    {
        _frontEnd = new QueryFrontEnd<StsOperation>(new SigV4Authenticator(keys, sessions, time, options), Service, Version, Namespace, Audit.AuditEventSource.Sts, audit, options, time, logger);
        _handlers = new StsHandlers(store, sessions, authorizer, options);
    }

    public Task HandleAsync(HttpContext http) =>
        _frontEnd.HandleAsync(http, (call, operation) => _handlers.DispatchAsync(operation, call.Http, call.Request, call.Principal), _ => null);
}
