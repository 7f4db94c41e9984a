using Coffer.Audit.Digests;
using Coffer.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Coffer.Audit.Delivery;

/// <summary>
/// What delivery keeps in the metadata database so that a restart picks up where it stopped: the
/// log files no digest lists yet, when the trail started, and the end of a digest being made.
/// </summary>
public sealed class AuditDeliveryState
{
    private readonly SqliteDatabase _database;

    public AuditDeliveryState(SqliteDatabase database)
    {
        _database = database;
        _database.Migrate(AuditDeliverySchema.Module, AuditDeliverySchema.Migrations);
    }

    /// <summary>Where the first digest starts: the first call's <paramref name="now"/>, in whole seconds, kept from then on.</summary>
    public Task<DateTimeOffset> TrailStartAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO audit_digest_schedule(id, trail_start) VALUES(1, $t) ON CONFLICT(id) DO NOTHING";
            insert.Parameters.AddWithValue("$t", now.ToUnixTimeSeconds());
            insert.ExecuteNonQuery();
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT trail_start FROM audit_digest_schedule WHERE id = 1";
            return DateTimeOffset.FromUnixTimeSeconds(Convert.ToInt64(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        }, cancellationToken);

    /// <summary>The end of a digest that was started and not settled (a stop came in between); null when none.</summary>
    public async Task<DateTimeOffset?> PendingDigestEndAsync(CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT pending_end FROM audit_digest_schedule WHERE id = 1";
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long end ? DateTimeOffset.FromUnixTimeSeconds(end) : null;
    }

    /// <summary>Fixes the end of the digest about to be made, before it is signed and stored, so a restart makes that same digest.</summary>
    public Task BeginDigestAsync(DateTimeOffset end, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE audit_digest_schedule SET pending_end = $e WHERE id = 1";
            command.Parameters.AddWithValue("$e", end.ToUnixTimeSeconds());
            return command.ExecuteNonQuery() == 1 ? 0 : throw new InvalidOperationException("The trail's start is not recorded yet.");
        }, cancellationToken);

    /// <summary>Whether a log file is recorded as delivered and still waiting for its digest.</summary>
    public async Task<bool> IsUndigestedAsync(string s3Object, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM audit_undigested_files WHERE s3_object = $o";
        command.Parameters.AddWithValue("$o", s3Object);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Records a log file that is durably in the bucket, for the next digest to list.</summary>
    public Task RecordDeliveredAsync(long sequence, AuditDigestLogFile file, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO audit_undigested_files(s3_object, s3_bucket, sequence, hash_value, oldest_event, newest_event)
                VALUES($o, $b, $s, $h, $old, $new) ON CONFLICT(s3_object) DO NOTHING
                """;
            command.Parameters.AddWithValue("$o", file.S3Object);
            command.Parameters.AddWithValue("$b", file.S3Bucket);
            command.Parameters.AddWithValue("$s", sequence);
            command.Parameters.AddWithValue("$h", file.HashValue);
            command.Parameters.AddWithValue("$old", (object?)file.OldestEventTime?.ToUnixTimeSeconds() ?? DBNull.Value);
            command.Parameters.AddWithValue("$new", (object?)file.NewestEventTime?.ToUnixTimeSeconds() ?? DBNull.Value);
            return command.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>Log files delivered and not yet listed by a digest, in delivery (segment) order.</summary>
    public async Task<IReadOnlyList<AuditDigestLogFile>> UndigestedAsync(CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT s3_bucket, s3_object, hash_value, oldest_event, newest_event FROM audit_undigested_files ORDER BY sequence";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var files = new List<AuditDigestLogFile>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            files.Add(new AuditDigestLogFile
            {
                S3Bucket = reader.GetString(0),
                S3Object = reader.GetString(1),
                HashValue = reader.GetString(2),
                OldestEventTime = reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(3)),
                NewestEventTime = reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeSeconds(reader.GetInt64(4)),
            });
        }

        return files;
    }

    /// <summary>
    /// Settles a digest that is in the bucket, in one transaction: it becomes the one the next digest
    /// chains to, the files it lists stop waiting, and no digest is pending any more.
    /// </summary>
    public Task CompleteDigestAsync(DigestLink link, IEnumerable<string> listedObjects, CancellationToken cancellationToken)
    {
        var listed = listedObjects.ToList();
        return _database.WriteAsync(connection =>
        {
            AuditSigningKeyStore.WriteLastDigest(connection, link);
            using (var delete = connection.CreateCommand())
            {
                delete.CommandText = "DELETE FROM audit_undigested_files WHERE s3_object = $o";
                var parameter = delete.Parameters.Add("$o", SqliteType.Text);
                foreach (var s3Object in listed)
                {
                    parameter.Value = s3Object;
                    delete.ExecuteNonQuery();
                }
            }

            using var clear = connection.CreateCommand();
            clear.CommandText = "UPDATE audit_digest_schedule SET pending_end = NULL WHERE id = 1";
            return clear.ExecuteNonQuery();
        }, cancellationToken);
    }
}
