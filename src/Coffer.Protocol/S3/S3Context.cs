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

    /// <summary>The versionId of x-amz-copy-source (checked), or null for the source's current version.</summary>
    public string? CopySourceVersionId { get; init; }

    /// <summary>The policy request context, built when the first authorisation needs it.</summary>
    public Coffer.Policy.ContextKeys? ConditionKeys { get; set; }

    /// <summary>s3:ExistingObjectTag/*, looked up only when a policy asks for it; null where S3 has no such key.</summary>
    public Authorization.DeferredKeys? ExistingObjectTags { get; set; }

    public HttpRequest Request => Http.Request;

    public HttpResponse Response => Http.Response;

    public CancellationToken Aborted => Http.RequestAborted;

    public string BucketName => Bucket ?? throw new InvalidOperationException("The operation has no bucket.");

    public string ObjectKey => Key ?? throw new InvalidOperationException("The operation has no key.");

    public string? Header(string name) =>
        Request.Headers.TryGetValue(name, out var value) && value.Count > 0 ? value.ToString() : null;

    /// <summary>
    /// Reads a small request document (XML, a policy) whole, with its x-amz-checksum-* and
    /// Content-MD5 verified, refusing more than <paramref name="maxBytes"/> with <paramref name="tooLarge"/>.
    /// </summary>
    public async Task<byte[]> ReadDocumentAsync(int maxBytes, Func<Exception> tooLarge)
    {
        var checksum = ChecksumRequest.FromRequest(Request, Auth);
        var body = checksum?.Wrap(Auth.Body) ?? Auth.Body;
        var bytes = await BoundedBody.ReadAsync(body, maxBytes, tooLarge, Aborted).ConfigureAwait(false);
        if (Header("Content-MD5") is { } md5Header)
        {
            var expected = new byte[16];
            if (!Convert.TryFromBase64String(md5Header.Trim(), expected, out var written) || written != 16)
            {
                throw new S3Exception(S3ErrorCode.InvalidDigest);
            }

            if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Security.Cryptography.MD5.HashData(bytes), expected))
            {
                throw new S3Exception(S3ErrorCode.BadDigest);
            }
        }

        return bytes;
    }

    /// <summary>
    /// Some writes must prove their body's integrity: S3 refuses them without Content-MD5 or a
    /// checksum (an x-amz-checksum-* header, an aws-chunked trailer, or x-amz-sdk-checksum-algorithm).
    /// </summary>
    public void RequireIntegrityHeader(string message = "Missing required header for this request: Content-MD5")
    {
        if (Header("Content-MD5") is null
            && Header("x-amz-trailer") is null
            && Header("x-amz-sdk-checksum-algorithm") is null
            && !Checksums.ChecksumAlgorithms.All.Any(a => Request.Headers.ContainsKey(Checksums.ChecksumAlgorithms.HeaderName(a))))
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, message);
        }
    }

    /// <summary>Records the request before its response body starts; call with status and headers final.</summary>
    public Task CommitAuditAsync() => Audit.RequestAudit.Of(Http)?.CommitAsync() ?? Task.CompletedTask;

    public async Task WriteXmlAsync(Xml.XmlBuilder xml, int status = 200)
    {
        Response.StatusCode = status;
        Response.ContentType = "application/xml";
        var body = xml.WrittenMemory;
        Response.ContentLength = body.Length;
        await CommitAuditAsync().ConfigureAwait(false);
        await Response.Body.WriteAsync(body, Aborted).ConfigureAwait(false);
    }
}
