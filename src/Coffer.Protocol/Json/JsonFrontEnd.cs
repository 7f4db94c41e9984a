using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Coffer.Audit;
using Coffer.Protocol.Audit;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Http;
using Coffer.Protocol.S3;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Coffer.Protocol.Json;

/// <summary>
/// The request path of an AWS JSON 1.1 API (KMS): POST / with X-Amz-Target "Prefix.Operation"
/// and a JSON body. Reads the body up to a bound, authenticates it for the service, parses it
/// with a depth limit, runs the operation, and answers in JSON, errors as
/// <c>{"__type": …, "message": …}</c>, always with a request id.
/// </summary>
/// <param name="unavailableErrorType">The service's 503 error, sent when the request cannot be audited.</param>
internal sealed partial class JsonFrontEnd<TOperation>(
    SigV4Authenticator authenticator,
    string service,
    string targetPrefix,
    string internalErrorType,
    string unavailableErrorType,
    string eventSource,
    IAuditSink audit,
    ProtocolOptions options,
    TimeProvider time,
    ILogger logger)
    where TOperation : struct, Enum
{
    public const string ContentType = "application/x-amz-json-1.1";

    /// <summary>Far above the largest KMS request (a 6144-byte ciphertext in base64 with a context).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public const int MaxDepth = 8;

    /// <param name="run">Authorises and performs the operation; returns what writes the response object's members, or null for {}.</param>
    /// <param name="map">Turns a domain exception into the service's error, or null to let it be a server failure.</param>
    public async Task HandleAsync(HttpContext http, Func<JsonCall, TOperation, Task<Action<Utf8JsonWriter>?>> run, Func<Exception, JsonProtocolException?> map)
    {
        var requestId = Guid.NewGuid().ToString();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        http.Response.Headers.Server = "Coffer";
        var record = RequestAudit.Begin(http, audit, options, eventSource, requestId, time.GetUtcNow());
        try
        {
            var call = await AuthenticateAsync(http, record).ConfigureAwait(false);
            var operation = Operation(http.Request);
            record.EventName = operation.ToString();
            record.ReadOnly = IsReadOnly(record.EventName);
            var result = await run(call, operation).ConfigureAwait(false);
            await WriteAsync(http, StatusCodes.Status200OK, json =>
            {
                json.WriteStartObject();
                result?.Invoke(json);
                json.WriteEndObject();
            }).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            // Not recorded, so not done as far as the client knows.
            await WriteErrorAsync(http, AuditUnavailable()).ConfigureAwait(false);
        }
        catch (JsonProtocolException e)
        {
            await WriteRecordedErrorAsync(http, e).ConfigureAwait(false);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody reads an answer.
        }
        catch (Exception e) when (map(e) is { } error)
        {
            await WriteRecordedErrorAsync(http, error).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogUnexpected(logger, e, service, requestId);
            await WriteRecordedErrorAsync(http, new JsonProtocolException(internalErrorType, "An internal error occurred. Try again later.", StatusCodes.Status500InternalServerError)).ConfigureAwait(false);
        }
        finally
        {
            await record.CommitQuietlyAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The error is recorded as it is sent; when it cannot be recorded, 503 is sent instead.</summary>
    private async Task WriteRecordedErrorAsync(HttpContext http, JsonProtocolException error)
    {
        if (RequestAudit.Of(http) is { Attempted: false } record)
        {
            record.Failed(error.Type, error.ErrorMessage);
        }

        try
        {
            await WriteErrorAsync(http, error).ConfigureAwait(false);
        }
        catch (AuditUnavailableException)
        {
            await WriteErrorAsync(http, AuditUnavailable()).ConfigureAwait(false);
        }
    }

    private JsonProtocolException AuditUnavailable() =>
        new(unavailableErrorType, "The audit trail cannot record requests at the moment; nothing was done. Please retry.", StatusCodes.Status503ServiceUnavailable);

    /// <summary>CloudTrail's readOnly: reads, and cryptographic calls that change no key.</summary>
    private static bool IsReadOnly(string name) =>
        name.StartsWith("Get", StringComparison.Ordinal) || name.StartsWith("List", StringComparison.Ordinal) || name.StartsWith("Describe", StringComparison.Ordinal)
        || name.StartsWith("Generate", StringComparison.Ordinal) || name is "Encrypt" or "Decrypt" or "ReEncrypt" or "Sign" or "Verify" or "VerifyMac";

    private async Task<JsonCall> AuthenticateAsync(HttpContext http, RequestAudit record)
    {
        if (!HttpMethods.IsPost(http.Request.Method) || http.Request.Path.Value != "/")
        {
            throw new JsonProtocolException("UnknownOperationException", null, StatusCodes.Status404NotFound);
        }

        if (http.Request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }

        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "/";
        var question = target.IndexOf('?', StringComparison.Ordinal);
        QueryParameters query;
        try
        {
            query = QueryParameters.Parse(question < 0 ? [] : target.AsSpan(question + 1));
        }
        catch (FormatException)
        {
            throw JsonProtocolException.Serialization("The query string is not valid percent-encoded UTF-8.");
        }

        var body = await BoundedBody.ReadAsync(http.Request.Body, MaxBodyBytes, TooLarge, http.RequestAborted).ConfigureAwait(false);
        AuthenticatedRequest auth;
        try
        {
            auth = await authenticator.AuthenticateQueryAsync(http.Request, question < 0 ? target : target[..question], query, body, service, http.RequestAborted).ConfigureAwait(false);
            record.Authenticated(auth);
        }
        catch (S3Exception e)
        {
            throw JsonAuthentication.Map(e);
        }

        var principal = auth.Principal
            ?? throw new JsonProtocolException("MissingAuthenticationTokenException", "Missing Authentication Token");
        if (!http.Request.ContentType?.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase) ?? true)
        {
            throw JsonProtocolException.Serialization($"The content type must be {ContentType}.");
        }

        // The body may carry plaintext; the parsed request is all that is needed from here on.
        var request = JsonRequest.Parse(body, MaxDepth);
        CryptographicOperations.ZeroMemory(body);
        record.RequestParameters = request.AuditParameters();
        return new JsonCall(http, request, principal);
    }

    /// <summary>The operation X-Amz-Target names; only plain names, as Enum.TryParse would also take numbers.</summary>
    private TOperation Operation(HttpRequest request)
    {
        var target = request.Headers["X-Amz-Target"].ToString();
        var name = target.StartsWith(targetPrefix, StringComparison.Ordinal) ? target[targetPrefix.Length..] : string.Empty;
        return name.Length > 0 && name.All(char.IsAsciiLetter) && Enum.TryParse<TOperation>(name, ignoreCase: false, out var operation)
            ? operation
            : throw new JsonProtocolException("UnknownOperationException", null);
    }

    private static JsonProtocolException TooLarge() =>
        new("RequestEntityTooLargeException", $"Request body exceeds the maximum of {MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);

    private static Task WriteErrorAsync(HttpContext http, JsonProtocolException error) =>
        WriteAsync(http, error.Status, json =>
        {
            json.WriteStartObject();
            json.WriteString("__type", error.Type);
            if (error.ErrorMessage is { } message)
            {
                json.WriteString("message", message);
            }

            json.WriteEndObject();
        });

    private static async Task WriteAsync(HttpContext http, int status, Action<Utf8JsonWriter> write)
    {
        if (http.Response.HasStarted)
        {
            return;
        }

        // The body may carry plaintext or a data key: cleared once sent.
        var buffer = new ArrayBufferWriter<byte>(256);
        try
        {
            using (var json = new Utf8JsonWriter(buffer))
            {
                write(json);
            }

            http.Response.StatusCode = status;
            http.Response.ContentType = ContentType;
            http.Response.ContentLength = buffer.WrittenCount;

            // Recorded before a byte leaves; throws (nothing sent) when it cannot be.
            if (RequestAudit.Of(http) is { } record)
            {
                await record.CommitIfPendingAsync().ConfigureAwait(false);
            }

            await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            buffer.Clear();
        }
    }

    [LoggerMessage(EventId = 1200, Level = LogLevel.Error, Message = "{Service} request {RequestId} failed unexpectedly")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string service, string requestId);
}
