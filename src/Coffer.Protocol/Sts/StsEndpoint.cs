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
public sealed partial class StsEndpoint
{
    public const string Service = "sts";
    public const string Version = "2011-06-15";
    public const string Namespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    private static readonly QueryResponseWriter Writer = new(Namespace);

    private readonly SigV4Authenticator _authenticator;
    private readonly StsHandlers _handlers;
    private readonly ILogger<StsEndpoint> _logger;

    public StsEndpoint(IamStore store, AccessKeyStore keys, SessionTokens sessions, Authorizer authorizer, ProtocolOptions options, TimeProvider time, ILogger<StsEndpoint> logger)
    {
        _logger = logger;
        _authenticator = new SigV4Authenticator(keys, sessions, time, options);
        _handlers = new StsHandlers(store, sessions, authorizer, options);
    }

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        http.Response.Headers.Server = "Coffer";
        try
        {
            var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "/";
            var question = target.IndexOf('?', StringComparison.Ordinal);
            var rawPath = question < 0 ? target : target[..question];
            QueryParameters urlQuery;
            QueryRequest request;
            byte[] body;
            try
            {
                urlQuery = QueryParameters.Parse(question < 0 ? [] : target.AsSpan(question + 1));
                body = HttpMethods.IsPost(http.Request.Method) ? await QueryBody.ReadAsync(http.Request, http.RequestAborted).ConfigureAwait(false) : [];
                request = QueryRequest.Parse(urlQuery, body);
            }
            catch (FormatException)
            {
                throw new QueryException("MalformedQueryString", 400, "The query string or form body is not valid percent-encoded UTF-8.");
            }

            AuthenticatedRequest auth;
            try
            {
                auth = await _authenticator.AuthenticateQueryAsync(http.Request, rawPath, urlQuery, body, Service, http.RequestAborted).ConfigureAwait(false);
            }
            catch (S3Exception e)
            {
                throw QueryAuthentication.Map(e);
            }

            var principal = auth.Principal
                ?? throw new QueryException("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
            var operation = Operation(request);
            var result = await _handlers.DispatchAsync(operation, http, request, principal).ConfigureAwait(false);
            await Writer.WriteResultAsync(http, operation.ToString(), requestId, result).ConfigureAwait(false);
        }
        catch (QueryException e)
        {
            await Writer.WriteErrorAsync(http, e, requestId).ConfigureAwait(false);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads an answer.
        }
        catch (Exception e)
        {
            LogUnexpected(_logger, e, requestId);
            await Writer.WriteErrorAsync(http, QueryException.InternalFailure(), requestId).ConfigureAwait(false);
        }
    }

    private static StsOperation Operation(QueryRequest request)
    {
        var action = request.Action;
        if (string.IsNullOrEmpty(action))
        {
            throw new QueryException("MissingAction", 400, "Missing Action");
        }

        var version = request.Get("Version");
        if (!action.All(char.IsAsciiLetter)
            || !Enum.TryParse<StsOperation>(action, ignoreCase: false, out var operation)
            || (version is not null && version != Version))
        {
            throw new QueryException("InvalidAction", 400, $"Could not find operation {action} for version {version ?? Version}");
        }

        return operation;
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "STS request {RequestId} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string requestId);
}
