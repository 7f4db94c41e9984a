using Coffer.Protocol.Audit;
using Coffer.Protocol.Xml;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.S3;

/// <summary>Writes S3's &lt;Error&gt; document; HEAD responses carry the status only.</summary>
internal static class S3ErrorWriter
{
    /// <summary>
    /// Records the error in the request's audit record before a byte of it leaves; throws
    /// <see cref="Coffer.Audit.AuditUnavailableException"/> (nothing sent) when it cannot be recorded.
    /// </summary>
    public static async Task WriteAsync(HttpContext http, S3Exception error, string resource, string requestId)
    {
        var response = http.Response;
        var audit = RequestAudit.Of(http);
        if (response.HasStarted)
        {
            // Headers are gone; the only honest signal left is to cut the connection.
            http.Abort();
            return;
        }

        response.StatusCode = error.StatusCode;
        if (error.Code == S3ErrorCode.NotModified || HttpMethods.IsHead(http.Request.Method))
        {
            await CommitAsync(audit, error, response).ConfigureAwait(false);
            return;
        }

        var xml = new XmlBuilder()
            .Start("Error")
            .Element("Code", S3Errors.WireName(error.Code))
            .Element("Message", error.Message);
        foreach (var (name, value) in error.Details)
        {
            xml.Element(name, value);
        }

        xml.Element("Resource", resource)
            .Element("RequestId", requestId)
            .Element("HostId", requestId)
            .End("Error");

        response.ContentType = "application/xml";
        var body = xml.WrittenMemory;
        response.ContentLength = body.Length;

        // A request whose body was not read is answered and the connection closed, as S3 does.
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            response.Headers.Connection = "close";
        }

        await CommitAsync(audit, error, response).ConfigureAwait(false);
        await response.Body.WriteAsync(body, CancellationToken.None).ConfigureAwait(false);
    }

    private static Task CommitAsync(RequestAudit? audit, S3Exception error, HttpResponse response)
    {
        if (audit is not { Attempted: false })
        {
            return Task.CompletedTask;
        }

        // 304 is not a failure, as CloudTrail sees it.
        if (error.Code != S3ErrorCode.NotModified)
        {
            audit.Failed(S3Errors.WireName(error.Code), error.Message);
        }

        return audit.CommitAsync();
    }
}
