using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Coffer.Storage.Sqlite;

/// <summary>
/// The embedded metadata database. Reads use pooled connections and never block behind writes (WAL).
/// Every write runs on one writer connection that batches whatever is queued into a single
/// transaction, each write under its own savepoint, so concurrent requests share one fsync.
/// A write's task completes only after its transaction is durably committed.
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private const int MaxBatch = 512;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writerLoop;

    private SqliteDatabase(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
        }.ToString();

        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;");
        Execute(_writer, "CREATE TABLE IF NOT EXISTS schema_versions(module TEXT PRIMARY KEY, version INTEGER NOT NULL)");
        _writerLoop = Task.Factory.StartNew(
            () => WriterLoopAsync(), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public string Path => _writer.DataSource;

    public static SqliteDatabase Open(string path) => new(path);

    /// <summary>Applies a module's migrations in order; each index is one schema version.</summary>
    public void Migrate(string module, IReadOnlyList<string> migrations)
    {
        using var read = _writer.CreateCommand();
        read.CommandText = "SELECT version FROM schema_versions WHERE module = $m";
        read.Parameters.AddWithValue("$m", module);
        var current = Convert.ToInt32(read.ExecuteScalar() ?? 0);
        if (current > migrations.Count)
        {
            throw new InvalidOperationException($"The metadata database has {module} schema version {current}, newer than this build knows ({migrations.Count}).");
        }

        for (var version = current; version < migrations.Count; version++)
        {
            Execute(_writer, "BEGIN IMMEDIATE");
            try
            {
                Execute(_writer, migrations[version]);
                using var bump = _writer.CreateCommand();
                bump.CommandText = "INSERT INTO schema_versions(module, version) VALUES($m, $v) ON CONFLICT(module) DO UPDATE SET version = $v";
                bump.Parameters.AddWithValue("$m", module);
                bump.Parameters.AddWithValue("$v", version + 1);
                bump.ExecuteNonQuery();
                Execute(_writer, "COMMIT");
            }
            catch
            {
                Execute(_writer, "ROLLBACK");
                throw;
            }
        }
    }

    /// <summary>A pooled read connection; dispose it when done.</summary>
    public SqliteConnection OpenRead()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>
    /// Queues a write. <paramref name="work"/> runs on the writer connection inside a transaction;
    /// an exception it throws rolls back only its own changes and is rethrown to the caller.
    /// It runs again if another write's error aborts the whole shared transaction, so it should
    /// do nothing but database work.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite<T>(work, cancellationToken);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);

        return pending.Task;
    }

    private async Task WriterLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && reader.TryRead(out var next))
            {
                if (!next.CancelIfRequested())
                {
                    batch.Add(next);
                }
            }

            if (batch.Count == 0)
            {
                continue;
            }

            RunBatch(batch);
        }
    }

    private void RunBatch(List<PendingWrite> batch)
    {
        // A write whose error rolled back the whole transaction (not just its savepoint) fails
        // alone; the writes that shared the transaction lost their changes and run again.
        var pending = batch;
        while (pending.Count > 0)
        {
            pending = RunTransaction(pending);
        }
    }

    /// <summary>Runs the writes in one transaction; returns those to run again when the transaction was lost under them.</summary>
    private List<PendingWrite> RunTransaction(List<PendingWrite> batch)
    {
        try
        {
            Execute(_writer, "BEGIN IMMEDIATE");
        }
        catch (Exception ex)
        {
            foreach (var write in batch)
            {
                write.Fail(ex);
            }

            return [];
        }

        var committing = new List<PendingWrite>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            try
            {
                Execute(_writer, "SAVEPOINT w");
                write.Run(_writer);
                Execute(_writer, "RELEASE w");
                committing.Add(write);
            }
            catch (Exception ex)
            {
                write.Fail(ex);
                if (!TryRollBackToSavepoint())
                {
                    TryExecute("ROLLBACK");
                    committing.AddRange(batch.Skip(i + 1));
                    return committing;
                }
            }
        }

        try
        {
            Execute(_writer, "COMMIT");
        }
        catch (Exception ex)
        {
            // The failed COMMIT may already have rolled back.
            TryExecute("ROLLBACK");
            foreach (var write in committing)
            {
                write.Fail(ex);
            }

            return [];
        }

        foreach (var write in committing)
        {
            write.Complete();
        }

        return [];
    }

    private bool TryRollBackToSavepoint()
    {
        try
        {
            Execute(_writer, "ROLLBACK TO w");
            Execute(_writer, "RELEASE w");
            return true;
        }
        catch (SqliteException)
        {
            // The error already rolled back the whole transaction, savepoint and all.
            return false;
        }
    }

    private void TryExecute(string sql)
    {
        try
        {
            Execute(_writer, sql);
        }
        catch (SqliteException)
        {
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writerLoop.ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        SqliteConnection.ClearAllPools();
    }

    private abstract class PendingWrite
    {
        public abstract bool CancelIfRequested();

        public abstract void Run(SqliteConnection connection);

        public abstract void Fail(Exception exception);

        public abstract void Complete();
    }

    private sealed class PendingWrite<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private bool _failed;

        public Task<T> Task => _completion.Task;

        public override bool CancelIfRequested()
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            _completion.TrySetCanceled(cancellationToken);
            return true;
        }

        public override void Run(SqliteConnection connection) => _result = work(connection);

        public override void Fail(Exception exception)
        {
            _failed = true;
            _completion.TrySetException(exception);
        }

        public override void Complete()
        {
            if (!_failed)
            {
                _completion.TrySetResult(_result!);
            }
        }
    }
}
