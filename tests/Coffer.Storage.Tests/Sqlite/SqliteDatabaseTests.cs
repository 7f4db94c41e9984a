using Coffer.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Coffer.Storage.Tests.Sqlite;

public sealed class SqliteDatabaseTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private SqliteDatabase _database = null!;

    public Task InitializeAsync()
    {
        _database = SqliteDatabase.Open(_directory.Combine("test.db"));
        _database.Migrate("test", ["CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)"]);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task WriteAsync_ReturnsTheWorksResultAfterCommit()
    {
        var id = await _database.WriteAsync(connection => Insert(connection, "one"), default);

        Assert.Equal(1L, id);
        Assert.Equal(["one"], ReadNames());
    }

    [Fact]
    public async Task WriteAsync_QueuedWhileTheWriterIsBusy_CommitsAsOneBatch()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var observer = _database.OpenRead();
        var blocker = _database.WriteAsync(connection =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(10));
            return Insert(connection, "blocker");
        }, default);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));

        // Each write records how many rows an outside reader sees committed when it runs:
        // writes in one transaction all see the same number.
        var seenCommitted = new long[100];
        var writes = Enumerable.Range(0, 100)
            .Select(i => _database.WriteAsync(connection =>
            {
                seenCommitted[i] = CountRows(observer);
                return Insert(connection, $"w{i}");
            }, default))
            .ToList();
        release.Set();
        await blocker;
        await Task.WhenAll(writes);

        Assert.Single(seenCommitted.Distinct());
        Assert.Equal(101, ReadNames().Count);
    }

    [Fact]
    public async Task WriteAsync_OneFailingWriteInABatch_FailsAloneAndLeavesNoTrace()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var blocker = _database.WriteAsync(connection =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(10));
            return 0L;
        }, default);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));

        var writes = Enumerable.Range(0, 50)
            .Select(i => _database.WriteAsync(connection =>
            {
                var id = Insert(connection, $"w{i}");
                if (i % 10 == 3)
                {
                    throw new InvalidOperationException($"write {i} fails after inserting");
                }

                return id;
            }, default))
            .ToList();
        var duplicate = _database.WriteAsync(connection => Insert(connection, "w0"), default);
        release.Set();
        await blocker;

        for (var i = 0; i < writes.Count; i++)
        {
            if (i % 10 == 3)
            {
                var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writes[i]);
                Assert.Equal($"write {i} fails after inserting", error.Message);
            }
            else
            {
                Assert.True(await writes[i] > 0);
            }
        }

        await Assert.ThrowsAsync<SqliteException>(() => duplicate);
        var names = ReadNames();
        Assert.Equal(45, names.Count);
        Assert.DoesNotContain("w3", names);
        Assert.DoesNotContain("w13", names);
        Assert.Contains("w49", names);
    }

    [Fact]
    public async Task WriteAsync_AWriteThatAbortsTheWholeTransaction_FailsAloneAndTheBatchStillCommits()
    {
        // Some errors (ON CONFLICT ROLLBACK, and SQLITE_FULL or I/O errors at SQLite's discretion)
        // roll back the whole transaction rather than the statement, taking the savepoint with it.
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var blocker = _database.WriteAsync(connection =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(10));
            return 0L;
        }, default);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));

        var before = _database.WriteAsync(connection => Insert(connection, "before"), default);
        var aborting = _database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT OR ROLLBACK INTO items(name) VALUES('before')";
            return (long)command.ExecuteNonQuery();
        }, default);
        var after = _database.WriteAsync(connection => Insert(connection, "after"), default);
        release.Set();
        await blocker;

        await Assert.ThrowsAsync<SqliteException>(() => aborting.WaitAsync(TimeSpan.FromSeconds(10)));
        await before.WaitAsync(TimeSpan.FromSeconds(10));
        await after.WaitAsync(TimeSpan.FromSeconds(10));
        await _database.WriteAsync(connection => Insert(connection, "later"), default).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["before", "after", "later"], ReadNames());
    }

    [Fact]
    public async Task WriteAsync_ManyConcurrentCallers_AllCommit()
    {
        var writes = Enumerable.Range(0, 1000)
            .Select(i => Task.Run(() => _database.WriteAsync(connection => Insert(connection, $"n{i}"), default)))
            .ToList();

        await Task.WhenAll(writes);

        Assert.Equal(1000, ReadNames().Count);
    }

    [Fact]
    public async Task WriteAsync_CancelledBeforeItRuns_IsCancelledAndNeverRuns()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var blocker = _database.WriteAsync(connection =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(10));
            return 0L;
        }, default);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));
        using var cancellation = new CancellationTokenSource();
        var ran = false;

        var cancelled = _database.WriteAsync(connection =>
        {
            ran = true;
            return Insert(connection, "cancelled");
        }, cancellation.Token);
        var kept = _database.WriteAsync(connection => Insert(connection, "kept"), default);
        await cancellation.CancelAsync();
        release.Set();
        await blocker;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await kept;
        Assert.False(ran);
        Assert.Equal(["kept"], ReadNames());
    }

    [Fact]
    public async Task WriteAsync_AfterDispose_ThrowsObjectDisposed()
    {
        await _database.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => { _ = _database.WriteAsync(_ => 0, default); });

        _database = SqliteDatabase.Open(_directory.Combine("test.db"));
    }

    [Fact]
    public async Task DisposeAsync_WaitsForQueuedWritesToCommit()
    {
        var writes = Enumerable.Range(0, 200).Select(i => _database.WriteAsync(connection => Insert(connection, $"q{i}"), default)).ToList();

        await _database.DisposeAsync();

        Assert.All(writes, w => Assert.True(w.IsCompletedSuccessfully));
        _database = SqliteDatabase.Open(_directory.Combine("test.db"));
        Assert.Equal(200, ReadNames().Count);
    }

    [Fact]
    public void Migrate_AppliesOnlyNewVersions()
    {
        _database.Migrate("test", ["CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)", "ALTER TABLE items ADD COLUMN extra TEXT"]);
        _database.Migrate("test", ["CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)", "ALTER TABLE items ADD COLUMN extra TEXT"]);

        using var connection = _database.OpenRead();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_versions WHERE module = 'test'";
        Assert.Equal(2L, command.ExecuteScalar());
    }

    [Fact]
    public void Migrate_DatabaseNewerThanTheBuild_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => _database.Migrate("test", []));

        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_FailingMigration_RollsBackAndKeepsTheVersion()
    {
        Assert.ThrowsAny<SqliteException>(() => _database.Migrate(
            "test",
            ["CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)", "CREATE TABLE half(x); NOT VALID SQL"]));

        using var connection = _database.OpenRead();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version FROM schema_versions WHERE module = 'test'";
        Assert.Equal(1L, command.ExecuteScalar());
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'";
        Assert.Equal(0L, command.ExecuteScalar());
    }

    private static long Insert(SqliteConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO items(name) VALUES($name) RETURNING id";
        command.Parameters.AddWithValue("$name", name);
        return (long)command.ExecuteScalar()!;
    }

    private static long CountRows(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM items";
        return (long)command.ExecuteScalar()!;
    }

    private List<string> ReadNames()
    {
        using var connection = _database.OpenRead();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM items ORDER BY id";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
