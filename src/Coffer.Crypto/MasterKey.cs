using System.Security.Cryptography;

namespace Coffer.Crypto;

/// <summary>
/// The server's master key: seals secrets that must be stored (access-key secrets, later KMS key
/// material) so that a copy of the database alone reveals nothing.
/// </summary>
public sealed class MasterKey : IDisposable
{
    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    // Sealed-box format, must not change: version byte, nonce, tag, ciphertext.
    private const byte FormatVersion = 1;

    private readonly byte[] _key;

    private MasterKey(byte[] key) => _key = key;

    /// <summary>True when the key was generated into a file beside the data on this start.</summary>
    public bool CreatedKeyFile { get; private init; }

    public static MasterKey FromBase64(string base64)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("The master key must be 32 bytes encoded in base64.");
        }

        if (key.Length != KeySize)
        {
            throw new InvalidOperationException("The master key must be 32 bytes encoded in base64.");
        }

        return new MasterKey(key);
    }

    /// <summary>Loads the key file, creating it (mode 0600) with a fresh random key when it does not exist.</summary>
    public static MasterKey LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return FromBase64(File.ReadAllText(path));
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = RandomNumberGenerator.GetBytes(KeySize);
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Options = FileOptions.WriteThrough,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(key));
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        return new MasterKey(key) { CreatedKeyFile = true };
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var sealedBox = new byte[1 + NonceSize + TagSize + plaintext.Length];
        sealedBox[0] = FormatVersion;
        var nonce = sealedBox.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBox.AsSpan(1 + NonceSize + TagSize), sealedBox.AsSpan(1 + NonceSize, TagSize), associatedData);
        return sealedBox;
    }

    public byte[] Open(ReadOnlySpan<byte> sealedBox, ReadOnlySpan<byte> associatedData)
    {
        if (sealedBox.Length < 1 + NonceSize + TagSize || sealedBox[0] != FormatVersion)
        {
            throw new CryptographicException("The sealed value has an unknown format.");
        }

        var plaintext = new byte[sealedBox.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBox.Slice(1, NonceSize), sealedBox[(1 + NonceSize + TagSize)..], sealedBox.Slice(1 + NonceSize, TagSize), plaintext, associatedData);
        return plaintext;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
