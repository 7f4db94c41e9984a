namespace Coffer.Crypto.Segments;

/// <summary>
/// The part of a blob a plaintext range needs: segments <see cref="FirstSegment"/> to
/// <see cref="LastSegment"/>, found at <see cref="CiphertextOffset"/> for
/// <see cref="CiphertextLength"/> bytes; after decryption, skip <see cref="SkipBytes"/> of the first
/// segment and deliver <see cref="PlaintextLength"/> bytes.
/// </summary>
public readonly record struct SegmentRange(
    long FirstSegment,
    long LastSegment,
    long CiphertextOffset,
    long CiphertextLength,
    int SkipBytes,
    long PlaintextLength);
