using Coffer.Crypto.Kms;
using Coffer.Identity.AccessKeys;
using Coffer.Identity.Sessions;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Coffer.Protocol.Json.Kms;

/// <summary>
/// The KMS JSON 1.1 API (X-Amz-Target TrentService.*, SigV4 service "kms") on the same port as
/// S3: authenticate, authorise every call with the policy engine as kms:Operation on the key's
/// ARN, run it, and answer as AWS KMS does. Plaintext, data keys and key material are never logged.
/// </summary>
public sealed class KmsEndpoint
{
    public const string Service = "kms";
    public const string TargetPrefix = "TrentService.";

    private readonly JsonFrontEnd<KmsOperation> _frontEnd;
    private readonly KmsHandlers _handlers;
    private readonly Authorizer _authorizer;

    public KmsEndpoint(KeyManagementService kms, AccessKeyStore keys, SessionTokens sessions, Authorizer authorizer, Audit.IAuditSink audit, ProtocolOptions options, TimeProvider time, ILogger<KmsEndpoint> logger)
    {
        _frontEnd = new JsonFrontEnd<KmsOperation>(new SigV4Authenticator(keys, sessions, time, options), Service, TargetPrefix, "KMSInternalException", "DependencyTimeoutException", Audit.AuditEventSource.Kms, audit, options, time, logger);
        _handlers = new KmsHandlers(kms, authorizer);
        _authorizer = authorizer;
    }

    /// <summary>An unsigned request that names a KMS operation, so that it gets KMS's MissingAuthenticationToken rather than S3's error.</summary>
    public static bool IsUnsignedCall(HttpRequest request) =>
        request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal);

    public Task HandleAsync(HttpContext http) =>
        _frontEnd.HandleAsync(
            http,
            (call, operation) => _handlers.DispatchAsync(new KmsContext
            {
                Call = call,
                Operation = operation,
                Keys = _authorizer.GlobalKeys(call.Http, call.Principal),
            }),
            e => e is KmsException kms ? KmsErrors.Map(kms) : null);
}
