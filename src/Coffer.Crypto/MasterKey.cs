using System.Security.Cryptography;
using Coffer.Storage.Blobs.FileSystem;

namespace Coffer.Crypto;

/// <summary>
/// The server's master key: seals secrets that must be stored (access-key secrets, KMS key
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

    /// <summary>A fresh random key, e.g. to replace the current one.</summary>
    public static MasterKey Generate() => new(RandomNumberGenerator.GetBytes(KeySize));

    /// <summary>Loads an existing key file.</summary>
    public static MasterKey Load(string path) => FromBase64(File.ReadAllText(path));

    /// <summary>Loads the key file, creating it (mode 0600) with a fresh random key when it does not exist.</summary>
    public static MasterKey LoadOrCreate(string path)
    {
        if (File.Exists(path))
        {
            return Load(path);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var key = new MasterKey(RandomNumberGenerator.GetBytes(KeySize)) { CreatedKeyFile = true };
        key.WriteTo(path, FileMode.CreateNew);
        return key;
    }

    /// <summary>
    /// Writes the key to <paramref name="path"/> (mode 0600) so that the file holds either its
    /// old content or the whole new key, never a part: a temporary file is flushed to disk and
    /// renamed over it, and the rename is flushed too.
    /// </summary>
    public void WriteKeyFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        var temporary = fullPath + ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        try
        {
            WriteTo(temporary, FileMode.CreateNew);
            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        DirectorySync.Flush(Path.GetDirectoryName(fullPath)!);
    }

    /// <summary>Renames a key file written with <see cref="WriteKeyFile"/> over <paramref name="path"/>, durably.</summary>
    public static void ReplaceKeyFile(string writtenPath, string path)
    {
        var fullPath = Path.GetFullPath(path);
        File.Move(writtenPath, fullPath, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(fullPath)!);
    }

    /// <summary>Whether <paramref name="other"/> is the same key, compared in constant time.</summary>
    public bool SameKeyAs(MasterKey other) => CryptographicOperations.FixedTimeEquals(_key, other._key);

    private void WriteTo(string path, FileMode mode)
    {
        var options = new FileStreamOptions
        {
            Mode = mode,
            Access = FileAccess.Write,
            Options = FileOptions.WriteThrough,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(Convert.ToBase64String(_key));
        writer.Flush();
        stream.Flush(flushToDisk: true);
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
        var plaintext = new byte[PlaintextLength(sealedBox)];
        Open(sealedBox, associatedData, plaintext);
        return plaintext;
    }

    /// <summary>Opens into <paramref name="plaintext"/>, which the caller owns and clears: for secrets that should not linger on the heap.</summary>
    public void Open(ReadOnlySpan<byte> sealedBox, ReadOnlySpan<byte> associatedData, Span<byte> plaintext)
    {
        if (plaintext.Length != PlaintextLength(sealedBox))
        {
            throw new ArgumentException("The destination is not the sealed value's plaintext length.", nameof(plaintext));
        }

        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBox.Slice(1, NonceSize), sealedBox[(1 + NonceSize + TagSize)..], sealedBox.Slice(1 + NonceSize, TagSize), plaintext, associatedData);
    }

    /// <summary>The length of what <paramref name="sealedBox"/> holds.</summary>
    public static int PlaintextLength(ReadOnlySpan<byte> sealedBox)
    {
        if (sealedBox.Length < 1 + NonceSize + TagSize || sealedBox[0] != FormatVersion)
        {
            throw new CryptographicException("The sealed value has an unknown format.");
        }

        return sealedBox.Length - 1 - NonceSize - TagSize;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_key);
}
