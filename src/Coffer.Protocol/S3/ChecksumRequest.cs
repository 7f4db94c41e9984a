using Coffer.Protocol.Auth;
using Coffer.Protocol.Checksums;
using Coffer.Storage.Objects;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.S3;

/// <summary>
/// The additional checksum a write carries: in an x-amz-checksum-* header, in an aws-chunked
/// trailer announced by x-amz-trailer, or only named by x-amz-sdk-checksum-algorithm. Wraps the
/// body so the checksum is computed on the way to storage and a mismatch fails the write.
/// </summary>
internal sealed class ChecksumRequest
{
    private readonly ChecksumAlgorithm _algorithm;
    private readonly string? _headerValue;
    private readonly string? _trailerName;
    private readonly AwsChunkedStream? _chunked;
    private string? _computed;

    private ChecksumRequest(ChecksumAlgorithm algorithm, string? headerValue, string? trailerName, AwsChunkedStream? chunked)
    {
        _algorithm = algorithm;
        _headerValue = headerValue;
        _trailerName = trailerName;
        _chunked = chunked;
    }

    public ChecksumAlgorithm Algorithm => _algorithm;

    public static ChecksumRequest? FromRequest(HttpRequest request, AuthenticatedRequest auth)
    {
        ChecksumAlgorithm? algorithm = null;
        string? headerValue = null;
        foreach (var candidate in ChecksumAlgorithms.All)
        {
            if (request.Headers.TryGetValue(candidate.HeaderName(), out var value) && value.Count > 0)
            {
                if (algorithm is not null)
                {
                    throw new S3Exception(S3ErrorCode.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
                }

                algorithm = candidate;
                headerValue = value.ToString();
                Validate(candidate, headerValue);
            }
        }

        string? trailerName = null;
        var trailer = request.Headers["x-amz-trailer"].ToString();
        if (trailer.Length > 0)
        {
            trailerName = trailer.Trim().ToLowerInvariant();
            var trailerAlgorithm = ChecksumAlgorithms.FromHeaderName(trailerName)
                ?? throw new S3Exception(S3ErrorCode.InvalidRequest, $"The value specified in the x-amz-trailer header is not supported: {trailer}");
            if (algorithm is not null || auth.Chunked is null)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "x-amz-trailer requires an aws-chunked body and no x-amz-checksum- header.");
            }

            algorithm = trailerAlgorithm;
        }

        var sdkAlgorithm = request.Headers["x-amz-sdk-checksum-algorithm"].ToString();
        if (algorithm is null && sdkAlgorithm.Length > 0)
        {
            algorithm = ChecksumAlgorithms.Parse(sdkAlgorithm)
                ?? throw new S3Exception(S3ErrorCode.InvalidRequest, "Value for x-amz-sdk-checksum-algorithm header is invalid.");
        }

        return algorithm is null ? null : new ChecksumRequest(algorithm.Value, headerValue, trailerName, auth.Chunked);
    }

    /// <summary>A checksum to compute (not verify) when the client sent none but one is required.</summary>
    public static ChecksumRequest Compute(ChecksumAlgorithm algorithm) => new(algorithm, null, null, null);

    /// <summary>The body, computing this checksum and failing at its end on a mismatch.</summary>
    public Stream Wrap(Stream body) =>
        new DigestVerifyingStream(body, new ChecksumHasher(_algorithm), digest =>
        {
            _computed = Convert.ToBase64String(digest);
            var expected = _headerValue;
            if (_trailerName is not null)
            {
                if (_chunked is null || !_chunked.Trailers.TryGetValue(_trailerName, out expected))
                {
                    throw new S3Exception(S3ErrorCode.InvalidRequest, $"The {_trailerName} trailer announced by x-amz-trailer was not sent.");
                }

                Validate(_algorithm, expected);
            }

            if (expected is not null && expected != _computed)
            {
                throw new S3Exception(S3ErrorCode.BadDigest, $"The {_algorithm.WireName()} you specified did not match the calculated checksum.");
            }
        });

    /// <summary>What is stored once the body has been read and verified.</summary>
    public ObjectChecksum? Result() => _computed is null ? null : new ObjectChecksum(_algorithm.WireName(), _computed);

    /// <summary>The computed base64 value, once the body has been read.</summary>
    public string? Value() => _computed;

    private static void Validate(ChecksumAlgorithm algorithm, string value)
    {
        Span<byte> decoded = stackalloc byte[64];
        if (!Convert.TryFromBase64String(value, decoded, out var length) || length != algorithm.DigestLength())
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, $"Value for {algorithm.HeaderName()} header is invalid.");
        }
    }

    /// <summary>Adds the stored checksum to a response, as S3 does after writes and for x-amz-checksum-mode: ENABLED.</summary>
    public static void ToResponse(ObjectChecksum? checksum, HttpResponse response)
    {
        if (checksum is null || ChecksumAlgorithms.Parse(checksum.Algorithm) is not { } algorithm)
        {
            return;
        }

        response.Headers[algorithm.HeaderName()] = checksum.Value;
        response.Headers["x-amz-checksum-type"] = checksum.Type;
    }
}
