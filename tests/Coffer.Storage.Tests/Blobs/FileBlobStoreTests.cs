using Coffer.Storage.Blobs.FileSystem;

namespace Coffer.Storage.Tests.Blobs;

public sealed class FileBlobStoreTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly FileBlobStore _store;

    public FileBlobStoreTests() => _store = new FileBlobStore(_directory.Path);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Commit_MakesTheBlobReadableUnderItsId()
    {
        var data = RandomBytes(100_000);
        await using var writer = _store.CreateWriter(data.Length);
        await writer.WriteAsync(data.AsMemory(0, 40_000), default);
        await writer.WriteAsync(data.AsMemory(40_000), default);

        var id = await writer.CommitAsync(default);

        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(data, await ReadAsync(id));
        Assert.Equal([id], _store.EnumerateBlobIds());
        Assert.True(File.Exists(_directory.Combine("blobs", id[..2], id)));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task Writer_BeforeCommit_IsNotVisibleAsABlob()
    {
        await using var writer = _store.CreateWriter(null);
        await writer.WriteAsync(new byte[] { 1, 2, 3 }, default);

        Assert.Empty(_store.EnumerateBlobIds());
        Assert.Single(TempFiles());
    }

    [Fact]
    public async Task DisposingAnUncommittedWriter_LeavesNoFile()
    {
        var writer = _store.CreateWriter(1000);
        await writer.WriteAsync(new byte[500], default);

        await writer.DisposeAsync();

        Assert.Empty(TempFiles());
        Assert.Empty(_store.EnumerateBlobIds());
    }

    [Fact]
    public async Task DisposingACommittedWriter_KeepsTheBlob()
    {
        var writer = _store.CreateWriter(3);
        await writer.WriteAsync(new byte[] { 7, 8, 9 }, default);
        var id = await writer.CommitAsync(default);

        await writer.DisposeAsync();

        Assert.Equal([7, 8, 9], await ReadAsync(id));
    }

    [Fact]
    public async Task Commit_OfAnEmptyBlob_IsReadableAndEmpty()
    {
        await using var writer = _store.CreateWriter(0);

        var id = await writer.CommitAsync(default);

        Assert.Empty(await ReadAsync(id));
    }

    [Fact]
    public async Task Writers_GetDistinctIds()
    {
        var ids = new HashSet<string>();
        for (var i = 0; i < 20; i++)
        {
            await using var writer = _store.CreateWriter(1);
            await writer.WriteAsync(new byte[] { (byte)i }, default);
            ids.Add(await writer.CommitAsync(default));
        }

        Assert.Equal(20, ids.Count);
        Assert.Equal(ids.Order(), _store.EnumerateBlobIds().Order());
    }

    [Fact]
    public async Task SweepTemporaryFiles_RemovesStaleFilesButNotActiveWriters()
    {
        await File.WriteAllBytesAsync(_directory.Combine("tmp", "0123456789abcdef0123456789abcdef.tmp"), new byte[10]);
        await File.WriteAllBytesAsync(_directory.Combine("tmp", "left-by-a-crash.tmp"), new byte[10]);
        await using var active = _store.CreateWriter(null);
        await active.WriteAsync(new byte[] { 1, 2 }, default);

        var removed = _store.SweepTemporaryFiles();

        Assert.Equal(2, removed);
        Assert.Single(TempFiles());
        await active.WriteAsync(new byte[] { 3 }, default);
        var id = await active.CommitAsync(default);
        Assert.Equal([1, 2, 3], await ReadAsync(id));
    }

    [Fact]
    public async Task SweepTemporaryFiles_LeavesCommittedBlobsAlone()
    {
        await using var writer = _store.CreateWriter(1);
        await writer.WriteAsync(new byte[] { 1 }, default);
        var id = await writer.CommitAsync(default);

        Assert.Equal(0, _store.SweepTemporaryFiles());
        Assert.Equal([1], await ReadAsync(id));
    }

    [Fact]
    public async Task SweepTemporaryFiles_OfANewStoreOnTheSameDirectory_RemovesTheOldStoresLeftovers()
    {
        // A crash leaves the temp file of an unfinished writer; the next process sweeps it.
        var crashed = _store.CreateWriter(null);
        await crashed.WriteAsync(new byte[] { 1 }, default);
        var restarted = new FileBlobStore(_directory.Path);

        Assert.Equal(1, restarted.SweepTemporaryFiles());
        Assert.Empty(TempFiles());
        await crashed.DisposeAsync();
    }

    [Fact]
    public async Task Delete_RemovesTheBlob()
    {
        await using var writer = _store.CreateWriter(1);
        await writer.WriteAsync(new byte[] { 1 }, default);
        var id = await writer.CommitAsync(default);

        _store.Delete(id);

        Assert.Throws<FileNotFoundException>(() => _store.OpenRead(id));
        Assert.Empty(_store.EnumerateBlobIds());
    }

    [Fact]
    public void Delete_OfAMissingBlob_DoesNothing()
    {
        _store.Delete(new string('a', 32));
    }

    [Fact]
    public void OpenRead_OfAMissingBlob_IsFileNotFound()
    {
        Assert.ThrowsAny<IOException>(() => _store.OpenRead(new string('b', 32)));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    [InlineData("0123456789abcdef0123456789abcde/")]
    [InlineData("")]
    public void OpenReadAndDelete_OfSomethingNotABlobId_AreRejected(string id)
    {
        Assert.Throws<ArgumentException>(() => _store.OpenRead(id));
        Assert.Throws<ArgumentException>(() => _store.Delete(id));
    }

    private async Task<byte[]> ReadAsync(string id)
    {
        await using var stream = _store.OpenRead(id);
        var output = new MemoryStream();
        await stream.CopyToAsync(output);
        return output.ToArray();
    }

    private string[] TempFiles() => Directory.GetFiles(_directory.Combine("tmp"));

    private static byte[] RandomBytes(int length)
    {
        var data = new byte[length];
        new Random(5).NextBytes(data);
        return data;
    }
}
