using Coffer.Audit;
using Coffer.Identity;
using Coffer.Protocol.Audit;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Http;
using Coffer.Protocol.S3;
using Coffer.Protocol.Xml;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Coffer.Protocol.Query;

/// <summary>An authenticated Query-protocol call, before its action is known to be allowed.</summary>
internal sealed record QueryCall(HttpContext Http, QueryRequest Request, Principal Principal);

/// <summary>
/// The request path the Query APIs (IAM, STS) share: buffer the bounded form body, authenticate
/// it for the service, run the action, and answer in the service's XML, errors included.
/// </summary>
internal sealed partial class QueryFrontEnd<TOperation>(
    SigV4Authenticator authenticator, string service, string version, string xmlNamespace, string eventSource, IAuditSink audit, ProtocolOptions options, TimeProvider time, ILogger logger)
    where TOperation : struct, Enum
{
    private const int MaxEventName = 64;

    private readonly QueryResponseWriter _writer = new(xmlNamespace);

    /// <param name="run">Authorises and performs the operation; returns what goes inside its Result element.</param>
    /// <param name="map">Turns a domain exception into the service's error, or null to let it be a server failure.</param>
    public async Task HandleAsync(HttpContext http, Func<QueryCall, TOperation, Task<Action<XmlBuilder>?>> run, Func<Exception, QueryException?> map)
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        http.Response.Headers.Server = "Coffer";
        var record = RequestAudit.Begin(http, audit, options, eventSource, requestId, time.GetUtcNow());
        try
        {
            var call = await AuthenticateAsync(http, record).ConfigureAwait(false);
            var operation = Operation(call.Request);
            record.EventName = operation.ToString();
            record.ReadOnly = IsReadOnly(record.EventName);
            var result = await run(call, operation).ConfigureAwait(false);
            await _writer.WriteResultAsync(http, operation.ToString(), requestId, result).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            // Not recorded, so not done as far as the client knows.
            await _writer.WriteErrorAsync(http, AuditUnavailable(), requestId).ConfigureAwait(false);
        }
        catch (QueryException e)
        {
            await WriteErrorAsync(http, e, requestId).ConfigureAwait(false);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads an answer.
        }
        catch (Exception e) when (map(e) is { } error)
        {
            await WriteErrorAsync(http, error, requestId).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogUnexpected(logger, e, service, requestId);
            await WriteErrorAsync(http, QueryException.InternalFailure(), requestId).ConfigureAwait(false);
        }
        finally
        {
            await record.CommitQuietlyAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The error is recorded as it is sent; when it cannot be recorded, 503 is sent instead.</summary>
    private async Task WriteErrorAsync(HttpContext http, QueryException error, string requestId)
    {
        try
        {
            await _writer.WriteErrorAsync(http, error, requestId).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            await _writer.WriteErrorAsync(http, AuditUnavailable(), requestId).ConfigureAwait(false);
        }
    }

    private static QueryException AuditUnavailable() =>
        new("ServiceUnavailable", 503, "The audit trail cannot record requests at the moment; nothing was done. Please retry.", senderFault: false);

    /// <summary>CloudTrail's readOnly: reads, and STS's calls, which issue credentials but change nothing.</summary>
    private static bool IsReadOnly(string name) =>
        name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal)
        || name.StartsWith("Simulate", StringComparison.Ordinal) || name == "AssumeRole";

    private async Task<QueryCall> AuthenticateAsync(HttpContext http, RequestAudit record)
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

        // Named as asked even when the action turns out unknown, so probing shows in the trail.
        if (request.Action is { Length: > 0 } action)
        {
            record.EventName = action.Length <= MaxEventName ? action : action[..MaxEventName];
        }

        record.RequestParameters = QueryAudit.Parameters(request.Parameters);
        AuthenticatedRequest auth;
        try
        {
            auth = await authenticator.AuthenticateQueryAsync(http.Request, rawPath, urlQuery, body, service, http.RequestAborted).ConfigureAwait(false);
            record.Authenticated(auth);
        }
        catch (S3Exception e)
        {
            throw QueryAuthentication.Map(e);
        }

        var principal = auth.Principal
            ?? throw new QueryException("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
        return new QueryCall(http, request, principal);
    }

    private TOperation Operation(QueryRequest request)
    {
        var action = request.Action;
        if (string.IsNullOrEmpty(action))
        {
            throw new QueryException("MissingAction", 400, "Missing Action");
        }

        var given = request.Get("Version");

        // Only plain names: Enum.TryParse would also take numbers and comma lists.
        if (!action.All(char.IsAsciiLetter)
            || !Enum.TryParse<TOperation>(action, ignoreCase: false, out var operation)
            || (given is not null && given != version))
        {
            throw new QueryException("InvalidAction", 400, $"Could not find operation {action} for version {given ?? version}");
        }

        return operation;
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Error, Message = "{Service} request {RequestId} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string service, string requestId);
}
