using Coffer.Protocol.Audit;
using Coffer.Protocol.Xml;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.Query;

/// <summary>Writes Query-protocol responses and errors in a service's XML namespace (IAM's, STS's).</summary>
public sealed class QueryResponseWriter(string xmlNamespace)
{
    public string Namespace { get; } = xmlNamespace;

    /// <summary>&lt;{Action}Response&gt;&lt;{Action}Result&gt;…&lt;/{Action}Result&gt;&lt;ResponseMetadata&gt;…</summary>
    public Task WriteResultAsync(HttpContext http, string action, string requestId, Action<XmlBuilder>? result)
    {
        var xml = new XmlBuilder();
        xml.Start(action + "Response", Namespace);
        if (result is not null)
        {
            xml.Start(action + "Result");
            result(xml);
            xml.End(action + "Result");
        }

        xml.Start("ResponseMetadata").Element("RequestId", requestId).End("ResponseMetadata");
        xml.End(action + "Response");
        return WriteAsync(http, StatusCodes.Status200OK, xml);
    }

    public Task WriteErrorAsync(HttpContext http, QueryException error, string requestId)
    {
        if (RequestAudit.Of(http) is { Attempted: false } audit)
        {
            audit.Failed(error.Code, error.Message);
        }

        var xml = new XmlBuilder();
        xml.Start("ErrorResponse", Namespace)
            .Start("Error")
            .Element("Type", error.Type)
            .Element("Code", error.Code)
            .Element("Message", error.Message)
            .End("Error")
            .Element("RequestId", requestId)
            .End("ErrorResponse");
        return WriteAsync(http, error.Status, xml);
    }

    private static async Task WriteAsync(HttpContext http, int status, XmlBuilder xml)
    {
        if (http.Response.HasStarted)
        {
            return;
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = "text/xml";
        http.Response.ContentLength = xml.WrittenMemory.Length;

        // Recorded before a byte leaves; throws (nothing sent) when it cannot be.
        if (RequestAudit.Of(http) is { } audit)
        {
            await audit.CommitIfPendingAsync().ConfigureAwait(false);
        }

        await http.Response.Body.WriteAsync(xml.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
    }
}
