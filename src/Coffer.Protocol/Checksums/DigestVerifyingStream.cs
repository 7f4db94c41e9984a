using Coffer.Protocol.Http;

namespace Coffer.Protocol.Checksums;

/// <summary>
/// Passes a body through while computing a digest; at the end of the body calls
/// <paramref name="verify"/>, which throws when the digest is not the one promised.
/// The failure surfaces as a read error, before the storage layer commits anything.
/// </summary>
internal sealed class DigestVerifyingStream(Stream inner, ChecksumHasher hasher, Action<byte[]> verify) : ReadOnlyStream
{
    private bool _verified;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n > 0)
        {
            hasher.Append(buffer.Span[..n]);
        }
        else if (!_verified && !buffer.IsEmpty)
        {
            _verified = true;
            verify(hasher.GetDigest());
        }

        return n;
    }


    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            hasher.Dispose();
        }

        base.Dispose(disposing);
    }
}
