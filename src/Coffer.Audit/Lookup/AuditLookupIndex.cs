using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Coffer.Audit.Chain;
using Coffer.Audit.Segments;
using Coffer.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Coffer.Audit.Lookup;

/// <summary>
/// The searchable copy of the trail, in SQLite (best in a database file of its own, e.g.
/// DATA/audit/lookup.db). It follows the journal rather than sitting on the request path:
/// <see cref="IndexNext"/> indexes the next batch the journal has committed, storing its position
/// in the same transaction, so after a crash it resumes exactly where it stopped. Batches run one
/// at a time, synchronously on the caller's thread and connection: the background worker runs
/// them at a low priority, and a lookup that must see recent records runs them at its own.
/// </summary>
public sealed class AuditLookupIndex
{
    /// <summary>Records per transaction: short enough that a lookup waiting behind a low-priority batch waits little.</summary>
    internal const int Batch = 500;

    private readonly SqliteDatabase _database;
    private readonly Lock _gate = new();
    private (long Segment, long Offset, byte[] Chain)? _position;

    public AuditLookupIndex(SqliteDatabase database)
    {
        _database = database;
        _database.Migrate(AuditLookupSchema.Module, AuditLookupSchema.Migrations);
    }

    /// <summary>
    /// Indexes everything the journal had committed when called, batch by batch; returns how
    /// many records. Segments must not be deleted before the index has read them, or their
    /// records never reach it.
    /// </summary>
    public long CatchUp(AuditSegmentWriter journal, CancellationToken cancellationToken)
    {
        var committed = journal.Committed;
        var total = 0L;
        int indexed;
        while ((indexed = IndexNext(journal, committed, cancellationToken)) > 0)
        {
            total += indexed;
        }

        return total;
    }

    /// <summary>
    /// Indexes the next batch (at most <see cref="Batch"/> records) the journal holds up to
    /// <paramref name="committed"/>; returns how many, 0 once the index holds everything up to it.
    /// Safe to call from several threads: one batch runs at a time.
    /// </summary>
    public int IndexNext(AuditSegmentWriter journal, AuditJournalPosition committed, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var connection = OpenWriter();
            var (segment, offset, chain) = _position ??= ReadPosition(connection);
            var records = new List<byte[]>(Batch);
            foreach (var file in AuditSegment.List(journal.Directory))
            {
                if (file.Sequence < segment || file.Sequence > committed.Sequence)
                {
                    continue;
                }

                // A segment the index has not started reads from its header, with the chain it gives.
                var resume = file.Sequence == segment;
                var limit = file.Sequence == committed.Sequence ? committed.Length : long.MaxValue;
                if (resume && offset >= limit)
                {
                    // Another caller indexed past this target already.
                    continue;
                }

                using var reader = SegmentReader.Open(file.Path, limit, resume ? offset : 0, resume ? chain : default);
                while (records.Count < Batch && reader.TryRead())
                {
                    records.Add(reader.CurrentJson.ToArray());
                }

                if (records.Count == 0 && reader.Stop == SegmentReadStop.InvalidLine)
                {
                    throw new AuditJournalCorruptException($"Audit segment {file.Sequence} does not verify at offset {reader.ValidLength}.");
                }

                if (records.Count > 0)
                {
                    var at = (file.Sequence, reader.ValidLength, reader.LastHash.ToArray());
                    Insert(connection, records, at);
                    _position = at;
                    return records.Count;
                }
            }

            return 0;
        }
    }

    /// <summary>Indexes records given as JSON, outside the journal (imports, tests, benchmarks).</summary>
    public int Index(IReadOnlyList<byte[]> records)
    {
        lock (_gate)
        {
            using var connection = OpenWriter();
            return Insert(connection, records, null);
        }
    }

    /// <summary>The index's own write connection: the database's shared writer is not used, so batches run on the caller's thread.</summary>
    private SqliteConnection OpenWriter()
    {
        var connection = _database.OpenRead();
        using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;";
        pragmas.ExecuteNonQuery();
        return connection;
    }

    private static int Insert(SqliteConnection connection, IReadOnlyList<byte[]> records, (long Segment, long Offset, byte[] Chain)? position)
    {
        var rows = records.Select(r => (Fields: IndexedFields.Read(r), Json: r)).ToList();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO audit_events(event_time, event_id, event_name, event_source, read_only, username, principal_arn,
                access_key_id, bucket, object_key, error_code, source_ip, record)
            VALUES($time, $id, $name, $source, $ro, $user, $arn, $key, $bucket, $object, $error, $ip, $record)
            RETURNING id
            """;
        var parameters = new[] { "$time", "$id", "$name", "$source", "$ro", "$user", "$arn", "$key", "$bucket", "$object", "$error", "$ip", "$record" }
            .Select(name => insert.Parameters.Add(name, SqliteType.Text)).ToArray();
        insert.Prepare();
        using var resource = connection.CreateCommand();
        resource.Transaction = transaction;
        resource.CommandText = "INSERT OR IGNORE INTO audit_event_resources(kind, value, event_time, event) VALUES($kind, $value, $time, $event)";
        var resourceParameters = new[] { "$kind", "$value", "$time", "$event" }.Select(name => resource.Parameters.Add(name, SqliteType.Text)).ToArray();
        resource.Prepare();
        foreach (var (fields, json) in rows)
        {
            parameters[0].Value = fields.EventTime;
            parameters[1].Value = fields.EventId;
            parameters[2].Value = fields.EventName;
            parameters[3].Value = fields.EventSource;
            parameters[4].Value = fields.ReadOnly ? 1 : 0;
            parameters[5].Value = (object?)fields.Username ?? DBNull.Value;
            parameters[6].Value = (object?)fields.PrincipalArn ?? DBNull.Value;
            parameters[7].Value = (object?)fields.AccessKeyId ?? DBNull.Value;
            parameters[8].Value = (object?)fields.Bucket ?? DBNull.Value;
            parameters[9].Value = (object?)fields.ObjectKey ?? DBNull.Value;
            parameters[10].Value = (object?)fields.ErrorCode ?? DBNull.Value;
            parameters[11].Value = (object?)fields.SourceIp ?? DBNull.Value;
            parameters[12].Value = json;
            var id = (long)insert.ExecuteScalar()!;
            foreach (var (kind, value) in ResourceRows(fields.Resources))
            {
                resourceParameters[0].Value = kind;
                resourceParameters[1].Value = value;
                resourceParameters[2].Value = fields.EventTime;
                resourceParameters[3].Value = id;
                resource.ExecuteNonQuery();
            }
        }

        if (position is { } at)
        {
            using var save = connection.CreateCommand();
            save.Transaction = transaction;
            save.CommandText = """
                INSERT INTO audit_lookup_position(id, segment, offset, chain_hash) VALUES(1, $s, $o, $h)
                ON CONFLICT(id) DO UPDATE SET segment = $s, offset = $o, chain_hash = $h
                """;
            save.Parameters.AddWithValue("$s", at.Segment);
            save.Parameters.AddWithValue("$o", at.Offset);
            save.Parameters.AddWithValue("$h", Convert.ToHexStringLower(at.Chain));
            save.ExecuteNonQuery();
        }

        transaction.Commit();
        return rows.Count;
    }

    private static (long Segment, long Offset, byte[] Chain) ReadPosition(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT segment, offset, chain_hash FROM audit_lookup_position WHERE id = 1";
        using var reader = command.ExecuteReader();
        var chain = new byte[AuditChain.HashSize];
        if (!reader.Read())
        {
            return (0, 0, chain);
        }

        Hex.TryParse(reader.GetString(2), chain);
        return (reader.GetInt64(0), reader.GetInt64(1), chain);
    }

    /// <summary>One page of matching events, newest first.</summary>
    public async Task<AuditLookupPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        if (query.MaxResults is < 1 or > AuditQuery.MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(query), $"MaxResults must be from 1 to {AuditQuery.MaxPageSize}.");
        }

        if (query.StartTime > query.EndTime)
        {
            throw new ArgumentException("The start time is after the end time.", nameof(query));
        }

        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT e.id, e.event_time, e.event_id, e.event_name, e.event_source, e.read_only, e.username, e.access_key_id, e.record FROM ");
        void Filter(string condition, string name, object? value)
        {
            if (value is not null)
            {
                sql.Append(" AND ").Append(condition);
                command.Parameters.AddWithValue(name, value);
            }
        }

        // A resource filter walks the resource rows newest first; anything else walks the events.
        string order;
        if (query.ResourceName is not null || query.ResourceType is not null)
        {
            var (kind, value) = query.ResourceName is not null ? (ResourceName, AuditLookupResource.NameOf(query.ResourceName)) : (ResourceType, query.ResourceType!);
            sql.Append("audit_event_resources r JOIN audit_events e ON e.id = r.event WHERE r.kind = $kind AND r.value = $value");
            command.Parameters.AddWithValue("$kind", kind);
            command.Parameters.AddWithValue("$value", value);
            if (query.ResourceName is not null && query.ResourceType is not null)
            {
                Filter("EXISTS (SELECT 1 FROM audit_event_resources t WHERE t.kind = 0 AND t.value = $type AND t.event_time = e.event_time AND t.event = e.id)", "$type", query.ResourceType);
            }

            order = "r.event_time, r.event";
        }
        else
        {
            var index = await ChooseKeyPrefixIndexAsync(connection, query, cancellationToken).ConfigureAwait(false);
            sql.Append("audit_events AS e").Append(index is null ? "" : $" INDEXED BY {index}").Append(" WHERE 1 = 1");
            order = "e.event_time, e.id";
        }

        Filter("e.event_time >= $start", "$start", query.StartTime?.ToUnixTimeMilliseconds());
        Filter("e.event_time <= $end", "$end", query.EndTime?.ToUnixTimeMilliseconds());
        Filter("e.event_id = $eventId", "$eventId", query.EventId);
        Filter("e.event_name = $eventName", "$eventName", query.EventName);
        Filter("e.event_source = $eventSource", "$eventSource", query.EventSource);
        Filter("e.username = $username", "$username", query.Username);
        Filter("e.principal_arn = $arn", "$arn", query.PrincipalArn);
        Filter("e.access_key_id = $accessKey", "$accessKey", query.AccessKeyId);
        Filter("e.bucket = $bucket", "$bucket", query.Bucket);
        Filter("e.error_code = $error", "$error", query.ErrorCode);
        Filter("e.source_ip = $ip", "$ip", query.SourceIpAddress);
        Filter("e.read_only = $readOnly", "$readOnly", query.ReadOnly is { } readOnly ? (readOnly ? 1 : 0) : null);
        if (!string.IsNullOrEmpty(query.KeyPrefix))
        {
            // A range, so the (bucket, object_key) index can serve it.
            Filter("e.object_key >= $keyLow", "$keyLow", query.KeyPrefix);
            Filter("e.object_key < $keyHigh", "$keyHigh", KeyPrefixEnd(query.KeyPrefix));
        }

        if (query.NextToken is not null)
        {
            var (time, id) = ParseToken(query.NextToken);
            sql.Append(" AND (").Append(order).Append(") < ($tokenTime, $tokenId)");
            command.Parameters.AddWithValue("$tokenTime", time);
            command.Parameters.AddWithValue("$tokenId", id);
        }

        sql.Append(" ORDER BY ").Append(order.Replace(",", " DESC,", StringComparison.Ordinal)).Append(" DESC LIMIT $limit");
        command.Parameters.AddWithValue("$limit", query.MaxResults + 1);
        command.CommandText = sql.ToString();

        var events = new List<AuditLookupEvent>(Math.Min(query.MaxResults, 64));
        string? next = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        long lastId = 0;
        long lastTime = 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (events.Count == query.MaxResults)
            {
                next = FormatToken(lastTime, lastId);
                break;
            }

            lastId = reader.GetInt64(0);
            lastTime = reader.GetInt64(1);
            var json = Encoding.UTF8.GetString((byte[])reader.GetValue(8));
            events.Add(new AuditLookupEvent(
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                DateTimeOffset.FromUnixTimeMilliseconds(lastTime),
                reader.GetInt64(5) != 0,
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                AuditLookupResource.Read(json),
                json));
        }

        return new AuditLookupPage(events, next);
    }

    /// <summary>
    /// Bucket and key prefix alone leave SQLite two plans it cannot tell apart: walk the keys under
    /// the prefix and sort them by time (fast when few match), or walk the bucket newest first and
    /// skip keys outside the prefix (fast when many match). Counting the matching keys, up to
    /// <see cref="BroadPrefix"/>, from the key index alone decides which.
    /// </summary>
    private async Task<string?> ChooseKeyPrefixIndexAsync(SqliteConnection connection, AuditQuery query, CancellationToken cancellationToken)
    {
        if (query.Bucket is null || string.IsNullOrEmpty(query.KeyPrefix)
            || query.EventId is not null || query.Username is not null || query.PrincipalArn is not null
            || query.AccessKeyId is not null || query.ErrorCode is not null || query.SourceIpAddress is not null)
        {
            return null;
        }

        await using var count = connection.CreateCommand();
        count.CommandText = """
            SELECT count(*) FROM (SELECT 1 FROM audit_events INDEXED BY audit_events_by_object_key
                WHERE bucket = $bucket AND object_key >= $keyLow AND object_key < $keyHigh LIMIT $limit)
            """;
        count.Parameters.AddWithValue("$bucket", query.Bucket);
        count.Parameters.AddWithValue("$keyLow", query.KeyPrefix);
        count.Parameters.AddWithValue("$keyHigh", KeyPrefixEnd(query.KeyPrefix));
        count.Parameters.AddWithValue("$limit", BroadPrefix);
        var matching = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return matching >= BroadPrefix ? "audit_events_by_bucket" : "audit_events_by_object_key";
    }

    private const int ResourceType = 0;
    private const int ResourceName = 1;

    /// <summary>
    /// The resource rows of one event: each type and each name, once. An ARN is looked up by the
    /// name it gives rather than stored as well: a row fewer per resource on the indexing side.
    /// </summary>
    private static IEnumerable<(int Kind, string Value)> ResourceRows(IReadOnlyList<AuditLookupResource> resources) =>
        resources.SelectMany(r => new[] { (ResourceType, r.ResourceType), (ResourceName, r.ResourceName) }).Distinct();

    /// <summary>Above this many keys under a prefix, walking the bucket by time beats sorting the keys.</summary>
    internal int BroadPrefix { get; init; } = 4096;

    // U+10FFFF sorts after any character a key can continue with.
    private static string KeyPrefixEnd(string prefix) => prefix + char.ConvertFromUtf32(0x10FFFF);

    /// <summary>Removes events older than <paramref name="cutoff"/> (the lookup window, e.g. 90 days), a batch per transaction.</summary>
    public long DeleteOlderThan(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var total = 0L;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int deleted;
            lock (_gate)
            {
                using var connection = OpenWriter();
                using var transaction = connection.BeginTransaction();
                using var delete = connection.CreateCommand();
                delete.Transaction = transaction;
                delete.CommandText = """
                    DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE event_time < $cutoff LIMIT 10000);
                    DELETE FROM audit_event_resources WHERE event_time <= (SELECT max(event_time) FROM
                        (SELECT event_time FROM audit_event_resources WHERE event_time < $cutoff ORDER BY event_time LIMIT 10000));
                    """;
                delete.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
                deleted = delete.ExecuteNonQuery();
                transaction.Commit();
            }

            total += deleted;
            if (deleted == 0)
            {
                return total;
            }
        }
    }

    private static string FormatToken(long time, long id) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"1:{time}:{id}")));

    private static (long Time, long Id) ParseToken(string token)
    {
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token)).Split(':');
            if (parts.Length == 3 && parts[0] == "1"
                && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var time)
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return (time, id);
            }
        }
        catch (FormatException)
        {
        }

        throw new ArgumentException("The next token is not one this index issued.", nameof(token));
    }
}
