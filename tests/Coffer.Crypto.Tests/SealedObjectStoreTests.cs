using System.Security.Cryptography;
using System.Text;
using Coffer.Crypto.Segments;
using Coffer.Storage;
using Coffer.Storage.Blobs.FileSystem;
using Coffer.Storage.Buckets;
using Coffer.Storage.Multipart;
using Coffer.Storage.Objects;
using Coffer.Storage.Sqlite;

namespace Coffer.Crypto.Tests;

/// <summary>
/// The object store with segment sealing: what lands on disk (blobs and inline rows) holds no
/// plaintext, every range reads back exactly, each multipart part is sealed on its own, and a
/// changed byte on disk fails the read.
/// </summary>
public sealed class SealedObjectStoreTests : IAsyncLifetime
{
    private const int SegmentSize = 64 * 1024;
    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("COFFER-PLAINTEXT-MARKER");

    private readonly string _directory = Directory.CreateTempSubdirectory("coffer-sealed-").FullName;
    private readonly Dictionary<string, (byte[] Key, SegmentBinding Binding)> _writes = new(StringComparer.Ordinal);
    private SqliteDatabase _database = null!;
    private ObjectStore _store = null!;
    private SegmentOpener _opener = null!;

    public async Task InitializeAsync()
    {
        _database = SqliteDatabase.Open(Path.Combine(_directory, "metadata.db"));
        _store = new ObjectStore(new SqliteMetadataStore(_database), new FileBlobStore(Path.Combine(_directory, "data")), TimeProvider.System);
        await _store.Metadata.CreateBucketAsync(new BucketInfo("b", DateTimeOffset.UtcNow, "us-east-1"), new Dictionary<string, string>(), default);
        _opener = new SegmentOpener((metadata, _) => ValueTask.FromResult((DataKey.FromBytes(_writes[metadata].Key), _writes[metadata].Binding, SegmentSize)));
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(ObjectStore.InlineLimit)]
    [InlineData(3 * 1024 * 1024 + 17)]
    public async Task Put_StoresNoPlaintext_AndReadsBackEveryRange(int length)
    {
        var content = Content(length);

        var info = await PutAsync("k", content);

        var stored = await _store.GetObjectAsync("b", "k", includeInlineData: true, default);
        Assert.Equal(info.Encryption, stored.Encryption);
        Assert.Equal(length, stored.Size);
        AssertNoPlaintextOnDisk(stored.InlineData);
        Assert.Equal(content, await ReadAsync(stored, 0, length - 1));
        foreach (var (start, end) in Ranges(length))
        {
            Assert.Equal(content[(int)start..(int)(end + 1)], await ReadAsync(stored, start, end));
        }
    }

    [Fact]
    public async Task Multipart_EachPartSealedOnItsOwn_ReadsAcrossParts()
    {
        var first = Content(ObjectStore.MinPartSize);
        var second = Content(300_000);
        var upload = await _store.CreateUploadAsync("b", "big", new ObjectHeaders(), null, null, "upload-encryption", default);
        var parts = new List<CompletedPart>();
        foreach (var (number, data) in new[] { (1, first), (2, second) })
        {
            var sealer = Sealer($"part-{number}", "b", "big", number);
            var part = await _store.UploadPartAsync(upload, number, new MemoryStream(data), data.Length, null, null, sealer, default);
            Assert.Equal($"part-{number}", part.Encryption);
            parts.Add(new CompletedPart(number, part.ETag));
        }

        Assert.Equal("upload-encryption", (await _store.GetUploadAsync("b", "big", upload.UploadId, default)).Encryption);
        var info = await _store.CompleteUploadAsync(upload, parts, WriteCondition.None, _ => null, default);

        Assert.Equal("upload-encryption", info.Encryption);
        Assert.Equal("upload-encryption", (await _store.GetObjectAsync("b", "big", includeInlineData: false, default)).Encryption);
        var whole = first.Concat(second).ToArray();
        AssertNoPlaintextOnDisk(null);
        Assert.Equal(whole, await ReadAsync(info, 0, whole.Length - 1));
        var across = (Start: (long)first.Length - 1000, End: (long)first.Length + 70_000);
        Assert.Equal(whole[(int)across.Start..(int)(across.End + 1)], await ReadAsync(info, across.Start, across.End));
        Assert.Equal(second[^5..], await ReadAsync(info, whole.Length - 5, whole.Length - 1));
    }

    [Fact]
    public async Task Multipart_AnOpenerThatRefuses_FailsTheOpen_NotTheFirstRead()
    {
        var upload = await _store.CreateUploadAsync("b", "refused", new ObjectHeaders(), null, null, "upload-encryption", default);
        var data = Content(ObjectStore.MinPartSize);
        var part = await _store.UploadPartAsync(upload, 1, new MemoryStream(data), data.Length, null, null, Sealer("refused-part", "b", "refused", 1), default);
        var info = await _store.CompleteUploadAsync(upload, [new CompletedPart(1, part.ETag)], WriteCondition.None, _ => null, default);
        var refusing = new SegmentOpener((_, _) => throw new TimeoutException("the key service refuses"));

        // Refused while opening, as for a single object, so the server can still answer with an error.
        await Assert.ThrowsAsync<TimeoutException>(() => _store.OpenContentAsync(info, 1000, data.Length - 1, refusing, default));
        Assert.Equal(data[1000..], await ReadAsync(info, 1000, data.Length - 1));
    }

    [Fact]
    public async Task ChangedByteOnDisk_FailsTheRead()
    {
        var content = Content(200_000);
        await PutAsync("k", content);
        var blob = Directory.EnumerateFiles(Path.Combine(_directory, "data"), "*", SearchOption.AllDirectories).Single(f => !f.EndsWith(".tmp", StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(blob);
        bytes[100_000] ^= 1;
        await File.WriteAllBytesAsync(blob, bytes);
        var stored = await _store.GetObjectAsync("b", "k", includeInlineData: true, default);

        await Assert.ThrowsAsync<SegmentAuthenticationException>(() => ReadAsync(stored, 0, content.Length - 1));
        Assert.Equal(content[..1000], await ReadAsync(stored, 0, 999));
    }

    [Fact]
    public async Task SealedContent_WithoutAnOpener_IsNotReadAsIs()
    {
        await PutAsync("k", Content(10));
        var stored = await _store.GetObjectAsync("b", "k", includeInlineData: true, default);

        await Assert.ThrowsAsync<InvalidOperationException>(() => _store.OpenContentAsync(stored, 0, default));
    }

    private static byte[] Content(long length)
    {
        var content = RandomNumberGenerator.GetBytes((int)length);
        for (var at = 0; at + Marker.Length <= content.Length; at += 4096)
        {
            Marker.CopyTo(content, at);
        }

        return content;
    }

    private static IEnumerable<(long Start, long End)> Ranges(long length)
    {
        if (length == 0)
        {
            yield break;
        }

        yield return (0, 0);
        yield return (length - 1, length - 1);
        yield return (length / 3, length - 1);
        if (length > SegmentSize + 1)
        {
            yield return (SegmentSize - 1, SegmentSize);
            yield return (SegmentSize, (2 * SegmentSize) - 1);
        }
    }

    private SegmentSealer Sealer(string metadata, string bucket, string key, int partNumber)
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        var binding = new SegmentBinding(bucket, key, metadata, partNumber);
        _writes[metadata] = (dataKey, binding);
        return new SegmentSealer(DataKey.FromBytes(dataKey), binding, SegmentSize, metadata);
    }

    private async Task<ObjectInfo> PutAsync(string key, byte[] content) =>
        await _store.PutAsync(
            new Storage.Objects.PutObjectRequest { Bucket = "b", Key = key, Headers = new ObjectHeaders(), ExpectedLength = content.Length, Sealer = Sealer("object-" + Guid.NewGuid(), "b", key, 0) },
            new MemoryStream(content),
            default);

    private async Task<byte[]> ReadAsync(ObjectInfo info, long start, long end)
    {
        await using var stream = await _store.OpenContentAsync(info, start, end, _opener, default) ?? throw new InvalidOperationException("replaced");
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private void AssertNoPlaintextOnDisk(byte[]? inline)
    {
        if (inline is not null)
        {
            Assert.Equal(-1, inline.AsSpan().IndexOf(Marker));
        }

        foreach (var file in Directory.EnumerateFiles(Path.Combine(_directory, "data"), "*", SearchOption.AllDirectories))
        {
            Assert.Equal(-1, File.ReadAllBytes(file).AsSpan().IndexOf(Marker));
        }
    }
}
