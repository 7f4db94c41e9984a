using System.Buffers.Binary;
using System.Text;

namespace Coffer.Crypto.Segments;

/// <summary>
/// What a blob belongs to, authenticated with every segment so that a blob moved to another
/// object, version or part fails to decrypt there.
/// </summary>
/// <param name="bucket">The bucket name.</param>
/// <param name="key">The object key.</param>
/// <param name="versionId">
/// What tells this write of the key from every other one and is stored with it: the version id,
/// or for a part the upload id.
/// </param>
/// <param name="partNumber">The part number for a multipart part; 0 for an object written whole.</param>
public sealed class SegmentBinding(string bucket, string key, string versionId, int partNumber)
{
    // Throws on lone surrogates instead of replacing them, so two different keys never encode alike.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public string Bucket { get; } = bucket ?? throw new ArgumentNullException(nameof(bucket));

    public string Key { get; } = key ?? throw new ArgumentNullException(nameof(key));

    public string VersionId { get; } = versionId ?? throw new ArgumentNullException(nameof(versionId));

    public int PartNumber { get; } = partNumber >= 0 ? partNumber : throw new ArgumentOutOfRangeException(nameof(partNumber), "A part number is 0 or more.");

    /// <summary>
    /// The associated data of every segment. Format version 1, must not change: the version byte,
    /// the segment size, bucket, key and version id each as a 4-byte big-endian length and UTF-8,
    /// then the part number; all integers 4-byte big-endian.
    /// </summary>
    internal byte[] ToAssociatedData(int segmentSize)
    {
        const byte FormatVersion = 1;
        var bucketLength = StrictUtf8.GetByteCount(Bucket);
        var keyLength = StrictUtf8.GetByteCount(Key);
        var versionLength = StrictUtf8.GetByteCount(VersionId);
        var data = new byte[1 + 4 + 4 + bucketLength + 4 + keyLength + 4 + versionLength + 4];
        data[0] = FormatVersion;
        var rest = data.AsSpan(1);
        rest = WriteInt(rest, segmentSize);
        rest = WriteString(rest, Bucket, bucketLength);
        rest = WriteString(rest, Key, keyLength);
        rest = WriteString(rest, VersionId, versionLength);
        WriteInt(rest, PartNumber);
        return data;
    }

    private static Span<byte> WriteInt(Span<byte> destination, int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, value);
        return destination[4..];
    }

    private static Span<byte> WriteString(Span<byte> destination, string value, int length)
    {
        destination = WriteInt(destination, length);
        StrictUtf8.GetBytes(value, destination);
        return destination[length..];
    }
}
