namespace Coffer.Protocol.Http;

/// <summary>Reads a small request body whole (a document, a form), refusing more than a bound.</summary>
public static class BoundedBody
{
    /// <param name="tooLarge">The error for a body over <paramref name="maxBytes"/>, in the front-end's own terms.</param>
    public static async Task<byte[]> ReadAsync(Stream body, int maxBytes, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int n;
        while ((n = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > maxBytes)
            {
                throw tooLarge();
            }

            buffer.Write(chunk, 0, n);
        }

        return buffer.ToArray();
    }
}
