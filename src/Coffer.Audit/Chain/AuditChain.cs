using System.Security.Cryptography;

namespace Coffer.Audit.Chain;

/// <summary>
/// The record hash chain. Format, must not change: h_n = SHA-256(h_(n-1) ‖ bytes of record n),
/// where the bytes are the record's UTF-8 JSON exactly as written to the segment (and copied
/// verbatim into the delivered log file), h_(n-1) is the 32 raw bytes of the previous hash, and
/// the first record ever follows <see cref="Genesis"/>. A segment (and the log file made from it)
/// starts from the last hash of the one before, so the chain runs unbroken across files.
/// </summary>
public static class AuditChain
{
    public const int HashSize = 32;

    public const int HexLength = HashSize * 2;

    public const string HashAlgorithm = "SHA-256";

    /// <summary>The hash the first record ever follows: 32 zero bytes.</summary>
    public static ReadOnlySpan<byte> Genesis => new byte[HashSize];

    /// <summary>h_n from h_(n-1) and the record's bytes.</summary>
    public static void Next(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> record, Span<byte> destination)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Next(hash, previous, record, destination);
    }

    /// <summary>h_n with a reusable hasher, for loops.</summary>
    internal static void Next(IncrementalHash hash, ReadOnlySpan<byte> previous, ReadOnlySpan<byte> record, Span<byte> destination)
    {
        hash.AppendData(previous);
        hash.AppendData(record);
        hash.GetHashAndReset(destination);
    }

    /// <summary>Whether <paramref name="expected"/> follows <paramref name="previous"/> for this record.</summary>
    public static bool Links(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> record, ReadOnlySpan<byte> expected)
    {
        Span<byte> actual = stackalloc byte[HashSize];
        Next(previous, record, actual);
        return actual.SequenceEqual(expected);
    }
}
