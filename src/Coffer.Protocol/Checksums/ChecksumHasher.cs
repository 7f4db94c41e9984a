using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Coffer.Protocol.Checksums;

/// <summary>One incremental checksum of any supported algorithm.</summary>
public sealed class ChecksumHasher : IDisposable
{
    private readonly System.IO.Hashing.Crc32? _crc32;
    private readonly Crc32C? _crc32c;
    private readonly Crc64Nvme? _crc64;
    private readonly IncrementalHash? _hash;

    public ChecksumHasher(ChecksumAlgorithm algorithm)
    {
        Algorithm = algorithm;
        switch (algorithm)
        {
            case ChecksumAlgorithm.Crc32:
                _crc32 = new System.IO.Hashing.Crc32();
                break;
            case ChecksumAlgorithm.Crc32C:
                _crc32c = new Crc32C();
                break;
            case ChecksumAlgorithm.Crc64Nvme:
                _crc64 = new Crc64Nvme();
                break;
            case ChecksumAlgorithm.Sha1:
                _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
                break;
            default:
                _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                break;
        }
    }

    public ChecksumAlgorithm Algorithm { get; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _crc32?.Append(data);
        _crc32c?.Append(data);
        _crc64?.Append(data);
        _hash?.AppendData(data);
    }

    public byte[] GetDigest()
    {
        var digest = new byte[Algorithm.DigestLength()];
        if (_crc32 is not null)
        {
            BinaryPrimitives.WriteUInt32BigEndian(digest, _crc32.GetCurrentHashAsUInt32());
        }
        else if (_crc32c is not null)
        {
            _crc32c.GetDigest(digest);
        }
        else if (_crc64 is not null)
        {
            _crc64.GetDigest(digest);
        }
        else
        {
            _hash!.GetCurrentHash(digest);
        }

        return digest;
    }

    public string GetBase64() => Convert.ToBase64String(GetDigest());

    public static string Compute(ChecksumAlgorithm algorithm, ReadOnlySpan<byte> data)
    {
        using var hasher = new ChecksumHasher(algorithm);
        hasher.Append(data);
        return hasher.GetBase64();
    }

    public void Dispose() => _hash?.Dispose();
}
