using System.Security.Cryptography;

namespace Coffer.Crypto.Segments;

/// <summary>
/// An encrypted blob is not what was written for this object: a segment was altered, moved,
/// reordered, dropped, cut short or followed by extra bytes, or the key or binding is wrong.
/// None of the failing segment's plaintext was released.
/// </summary>
public sealed class SegmentAuthenticationException : CryptographicException
{
    public SegmentAuthenticationException(long segment, string reason)
        : base($"Encrypted segment {segment} failed authentication: {reason}.")
    {
        Segment = segment;
    }

    /// <summary>Index of the segment that failed.</summary>
    public long Segment { get; }
}
