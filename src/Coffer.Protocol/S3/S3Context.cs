using Coffer.Protocol.Auth;
using Coffer.Protocol.Http;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.S3;

/// <summary>One S3 request after routing and authentication, as the handlers see it.</summary>
internal sealed class S3Context
{
    public const string Xmlns = "http://s3.amazonaws.com/doc/2006-03-01/";

    public required HttpContext Http { get; init; }

    public required S3Operation Operation { get; init; }

    public required string? Bucket { get; init; }

    public required string? Key { get; init; }

    public required QueryParameters Query { get; init; }

    public required AuthenticatedRequest Auth { get; init; }

    public required S3Access Access { get; init; }

    /// <summary>The source of CopyObject / UploadPartCopy, parsed once from x-amz-copy-source.</summary>
    public (string Bucket, string Key)? CopySource { get; init; }

    /// <summary>The policy request context, built when the first authorisation needs it.</summary>
    public Coffer.Policy.ContextKeys? ConditionKeys { get; set; }

    public HttpRequest Request => Http.Request;

    public HttpResponse Response => Http.Response;

    public CancellationToken Aborted => Http.RequestAborted;

    public string BucketName => Bucket ?? throw new InvalidOperationException("The operation has no bucket.");

    public string ObjectKey => Key ?? throw new InvalidOperationException("The operation has no key.");

    public string? Header(string name) =>
        Request.Headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;

    public async Task WriteXmlAsync(Xml.XmlBuilder xml, int status = 200)
    {
        Response.StatusCode = status;
        Response.ContentType = "application/xml";
        var body = xml.WrittenMemory;
        Response.ContentLength = body.Length;
        await Response.Body.WriteAsync(body, Aborted).ConfigureAwait(false);
    }
}
