using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffer.Storage.Versions;

/// <summary>
/// Object version ids: 32 URL-safe characters that sort newest first. 24 bytes (a time in
/// microseconds, inverted so later writes sort lower, then 16 random bytes) written 6 bits a
/// character with an alphabet in ASCII order, so the string order is the byte order.
/// The format is on disk (object_versions.version_id) and in clients' hands: it must not change.
/// </summary>
public sealed class VersionIds(TimeProvider time)
{
    /// <summary>The id S3 gives objects written while versioning was off or suspended.</summary>
    public const string Null = "null";

    public const int Length = 32;

    private const string Alphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
    private const int TimeBytes = 8;
    private static readonly SearchValues<char> AlphabetValues = SearchValues.Create(Alphabet);
    private const int RandomBytes = 16;

    private long _lastMicros;

    /// <summary>A new id, lower (newer) than every id this instance made before, whatever the clock does.</summary>
    public string Next()
    {
        var now = (time.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / 10;
        long last, next;
        do
        {
            last = Interlocked.Read(ref _lastMicros);
            next = Math.Max(now, last + 1);
        }
        while (Interlocked.CompareExchange(ref _lastMicros, next, last) != last);

        return Encode(next);
    }

    /// <summary>True for "null" and for ids of this format; anything else is not a version id here.</summary>
    public static bool IsWellFormed(string? id) =>
        id is not null && (id == Null || (id.Length == Length && id.AsSpan().IndexOfAnyExcept(AlphabetValues) < 0));

    /// <summary>An id that sorts just after (is older than) <paramref name="id"/>.</summary>
    public static string Older(string id) => Encode(Math.Max(0, MicrosOf(id) - 1));

    /// <summary>An id that sorts just before (is newer than) <paramref name="id"/>.</summary>
    public static string Newer(string id) => Encode(MicrosOf(id) + 1);

    /// <summary>When the version was made, as its id records it.</summary>
    public static long MicrosOf(string id)
    {
        Span<byte> bytes = stackalloc byte[TimeBytes + RandomBytes];
        Decode(id, bytes);
        return (long)(ulong.MaxValue - BinaryPrimitives.ReadUInt64BigEndian(bytes));
    }

    private static string Encode(long micros)
    {
        Span<byte> bytes = stackalloc byte[TimeBytes + RandomBytes];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, ulong.MaxValue - (ulong)micros);
        RandomNumberGenerator.Fill(bytes[TimeBytes..]);
        return string.Create(Length, bytes.ToArray(), static (chars, data) =>
        {
            for (var i = 0; i < Length; i++)
            {
                var bit = i * 6;
                var value = (data[bit / 8] << 8 | (bit / 8 + 1 < data.Length ? data[bit / 8 + 1] : 0)) >> (10 - bit % 8) & 0x3F;
                chars[i] = Alphabet[value];
            }
        });
    }

    private static void Decode(string id, Span<byte> bytes)
    {
        if (id.Length != Length)
        {
            throw new FormatException("Not a version id.");
        }

        bytes.Clear();
        for (var i = 0; i < Length; i++)
        {
            var value = Alphabet.IndexOf(id[i], StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException("Not a version id.");
            }

            var bit = i * 6;
            var shifted = value << (10 - bit % 8);
            bytes[bit / 8] |= (byte)(shifted >> 8);
            if (bit / 8 + 1 < bytes.Length)
            {
                bytes[bit / 8 + 1] |= (byte)shifted;
            }
        }
    }
}
