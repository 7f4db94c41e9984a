using System.Security.Cryptography;

namespace Coffer.Crypto;

/// <summary>
/// A 256-bit key that encrypts one object (or one part) and nothing else. Zeroed on dispose;
/// the array is pinned so the garbage collector leaves no stray copies of it.
/// </summary>
public sealed class DataKey : IDisposable
{
    public const int Size = 32;

    private readonly byte[] _key = GC.AllocateUninitializedArray<byte>(Size, pinned: true);
    private bool _disposed;

    private DataKey()
    {
    }

    /// <summary>The key bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlySpan<byte> Bytes
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _key;
        }
    }

    public static DataKey Generate()
    {
        var key = new DataKey();
        RandomNumberGenerator.Fill(key._key);
        return key;
    }

    /// <summary>Copies a key, for instance one just unwrapped; the caller clears its own copy.</summary>
    public static DataKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != Size)
        {
            throw new ArgumentException($"A data key is {Size} bytes.", nameof(key));
        }

        var dataKey = new DataKey();
        key.CopyTo(dataKey._key);
        return dataKey;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_key);
        _disposed = true;
    }
}
