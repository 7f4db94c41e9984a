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

        using var buffer = new MemoryStream();
        var block = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(block, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                throw TooLarge();
            }

            buffer.Write(block, 0, read);
        }

        return buffer.ToArray();
    }

    private static QueryException TooLarge() =>
        new("RequestEntityTooLarge", StatusCodes.Status413PayloadTooLarge, $"Request body exceeds the maximum of {MaxBytes} bytes.");
}
