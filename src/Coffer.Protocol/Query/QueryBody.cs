using Coffer.Protocol.Http;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.Query;

/// <summary>Reads a Query-protocol form body whole, up to a bound, since its hash is signed.</summary>
public static class QueryBody
{
    public const int MaxBytes = 1024 * 1024;

    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBytes)
        {
            throw TooLarge();
        }

        return await BoundedBody.ReadAsync(request.Body, MaxBytes, TooLarge, cancellationToken).ConfigureAwait(false);
    }

    private static QueryException TooLarge() =>
        new("RequestEntityTooLarge", StatusCodes.Status413PayloadTooLarge, $"Request body exceeds the maximum of {MaxBytes} bytes.");
}
