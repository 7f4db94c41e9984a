using System.Globalization;
using System.Text;
using Coffer.Storage.Objects;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.S3;

/// <summary>Moves the stored object headers between HTTP and the object model.</summary>
internal static class ObjectHeaderMapping
{
    public const int MaxUserMetadataBytes = 2048;
    public const string DefaultContentType = "binary/octet-stream";
    private const string MetaPrefix = "x-amz-meta-";

    public static ObjectHeaders FromRequest(HttpRequest request)
    {
        var headers = new ObjectHeaders
        {
            ContentType = NullIfEmpty(request.ContentType),
            ContentEncoding = StripAwsChunked(request.Headers.ContentEncoding.ToString()),
            ContentDisposition = NullIfEmpty(request.Headers.ContentDisposition.ToString()),
            ContentLanguage = NullIfEmpty(request.Headers.ContentLanguage.ToString()),
            CacheControl = NullIfEmpty(request.Headers.CacheControl.ToString()),
            Expires = NullIfEmpty(request.Headers.Expires.ToString()),
        };

        var size = 0;
        foreach (var (name, value) in request.Headers)
        {
            if (!name.StartsWith(MetaPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var metaName = name[MetaPrefix.Length..].ToLowerInvariant();
            var metaValue = value.ToString();
            size += Encoding.UTF8.GetByteCount(metaName) + Encoding.UTF8.GetByteCount(metaValue);
            headers.UserMetadata.Add(new(metaName, metaValue));
        }

        if (size > MaxUserMetadataBytes)
        {
            throw new S3Exception(S3ErrorCode.MetadataTooLarge)
                .With("Size", size.ToString(CultureInfo.InvariantCulture))
                .With("MaxSizeAllowed", MaxUserMetadataBytes.ToString(CultureInfo.InvariantCulture));
        }

        return headers;
    }

    /// <summary>Writes the stored headers, with response-* query overrides applied.</summary>
    public static void ToResponse(ObjectHeaders headers, Http.QueryParameters query, HttpResponse response)
    {
        var h = response.Headers;
        h.ContentType = query.Get("response-content-type") ?? headers.ContentType ?? DefaultContentType;
        SetIfAny(h, "Content-Encoding", query.Get("response-content-encoding") ?? headers.ContentEncoding);
        SetIfAny(h, "Content-Disposition", query.Get("response-content-disposition") ?? headers.ContentDisposition);
        SetIfAny(h, "Content-Language", query.Get("response-content-language") ?? headers.ContentLanguage);
        SetIfAny(h, "Cache-Control", query.Get("response-cache-control") ?? headers.CacheControl);
        SetIfAny(h, "Expires", query.Get("response-expires") ?? headers.Expires);
        foreach (var (name, value) in headers.UserMetadata)
        {
            h[MetaPrefix + name] = value;
        }
    }

    private static void SetIfAny(IHeaderDictionary headers, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            headers[name] = value;
        }
    }

    private static string? StripAwsChunked(string value)
    {
        if (value.Length == 0)
        {
            return null;
        }

        var parts = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase));
        var rest = string.Join(',', parts);
        return rest.Length == 0 ? null : rest;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
