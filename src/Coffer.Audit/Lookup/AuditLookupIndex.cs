using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Coffer.Audit.Chain;
using Coffer.Audit.Segments;
using Coffer.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Win32.SafeHandles;

namespace Coffer.Audit.Lookup;

/// <summary>
/// The trail's lookup index, in SQLite (best in a database file of its own, e.g.
/// DATA/audit/lookup.db). It follows the journal rather than sitting on the request path:
/// <see cref="IndexNext"/> turns the next batch the journal has committed into one
/// <see cref="AuditLookupBlock"/> row, storing its position in the same transaction, so after a
/// crash it resumes exactly where it stopped. The records stay where the journal wrote them, in its
/// segments and then its history, and a lookup reads the ones it returns from there: a record
/// costs the index a few dozen bytes, not a copy and ten B-tree entries. Batches run one at a time,
/// synchronously on the caller's thread and connection: the background worker runs them at a low
/// priority, and a lookup that must see recent records runs them at its own.
/// </summary>
public sealed class AuditLookupIndex
{
    /// <summary>Most records per block; short enough that a lookup waiting behind a low-priority batch waits little.</summary>
    internal const int Batch = 4096;

    // A record's place in the order of the index: its block's id, then its place in the block.
    private const int RecordBits = 20;

    private readonly SqliteDatabase _database;
    private readonly AuditSegmentWriter _journal;
    private readonly Lock _gate = new();
    private (long Segment, long Offset, byte[] Chain)? _position;

    public AuditLookupIndex(SqliteDatabase database, AuditSegmentWriter journal)
    {
        _database = database;
        _journal = journal;
        _database.Migrate(AuditLookupSchema.Module, AuditLookupSchema.Migrations);
    }

    /// <summary>The journal the index follows, and whose segments its lookups read.</summary>
    public AuditSegmentWriter Journal => _journal;

    /// <summary>
    /// Indexes everything the journal had committed when called, batch by batch; returns how
    /// many records. Segments must not be retired without a history before the index has read
    /// them, or their records never reach it.
    /// </summary>
    public long CatchUp(CancellationToken cancellationToken)
    {
        var committed = _journal.Committed;
        var total = 0L;
        int indexed;
        while ((indexed = IndexNext(committed, cancellationToken)) > 0)
        {
            total += indexed;
        }

        return total;
    }

    /// <summary>
    /// Indexes the next batch (at most <see cref="Batch"/> records, from one segment) the journal
    /// holds up to <paramref name="committed"/>; returns how many, 0 once the index holds
    /// everything up to it. Safe to call from several threads: one batch runs at a time.
    /// </summary>
    public int IndexNext(AuditJournalPosition committed, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var connection = OpenWriter();
            var (segment, offset, chain) = _position ??= ReadPosition(connection);
            var block = new AuditLookupBlock.Builder();
            foreach (var file in _journal.AllSegments())
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
                var read = 0;
                while (block.Count < Batch && reader.TryRead())
                {
                    read++;
                    var json = reader.CurrentJson;
                    if (TryReadFields(json) is { } fields)
                    {
                        // The line ends with '\n' right after the JSON.
                        block.Add(fields, reader.ValidLength - 1 - json.Length, json.Length);
                    }
                }

                if (read == 0 && reader.Stop == SegmentReadStop.InvalidLine)
                {
                    throw new AuditJournalCorruptException($"Audit segment {file.Sequence} does not verify at offset {reader.ValidLength}.");
                }

                if (read > 0)
                {
                    var at = (file.Sequence, reader.ValidLength, reader.LastHash.ToArray());
                    Insert(connection, file.Sequence, block, at);
                    _position = at;
                    return read;
                }
            }

            return 0;
        }
    }

    /// <summary>A record's fields; null for a line that verifies but is no record, which is passed over rather than stall the index.</summary>
    private static IndexedFields? TryReadFields(ReadOnlySpan<byte> json)
    {
        try
        {
            return IndexedFields.Read(json);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
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

    private static void Insert(SqliteConnection connection, long segment, AuditLookupBlock.Builder block, (long Segment, long Offset, byte[] Chain) position)
    {
        using var transaction = connection.BeginTransaction();
        if (block.Count > 0)
        {
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO audit_blocks(segment, min_time, max_time, records, data) VALUES($segment, $min, $max, $records, $data)";
            insert.Parameters.AddWithValue("$segment", segment);
            insert.Parameters.AddWithValue("$min", block.MinTime);
            insert.Parameters.AddWithValue("$max", block.MaxTime);
            insert.Parameters.AddWithValue("$records", block.Count);
            insert.Parameters.AddWithValue("$data", block.Build());
            insert.ExecuteNonQuery();
        }

        using var save = connection.CreateCommand();
        save.Transaction = transaction;
        save.CommandText = """
            INSERT INTO audit_lookup_position(id, segment, offset, chain_hash) VALUES(1, $s, $o, $h)
            ON CONFLICT(id) DO UPDATE SET segment = $s, offset = $o, chain_hash = $h
            """;
        save.Parameters.AddWithValue("$s", position.Segment);
        save.Parameters.AddWithValue("$o", position.Offset);
        save.Parameters.AddWithValue("$h", Convert.ToHexStringLower(position.Chain));
        save.ExecuteNonQuery();
        transaction.Commit();
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

    /// <summary>
    /// One page of matching events, newest first (by event time, then the order they were
    /// indexed). Blocks are read newest first by their time span; a record is final once no block
    /// still to be read can hold a newer one, so a page usually reads a block or two.
    /// </summary>
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

        var after = query.NextToken is null ? ((long Time, long Order)?)null : ParseToken(query.NextToken);
        var filter = new BlockFilter(query);
        await using var connection = _database.OpenRead();
        await using var pruned = connection.CreateCommand();
        pruned.CommandText = "SELECT before FROM audit_lookup_pruned WHERE id = 1";
        var start = Math.Max(filter.Start, await pruned.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long before ? before : long.MinValue);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, segment, min_time, max_time, data FROM audit_blocks
            WHERE max_time >= $start AND min_time <= $end AND min_time <= $afterTime
            ORDER BY max_time DESC, id DESC
            """;
        command.Parameters.AddWithValue("$start", start);
        command.Parameters.AddWithValue("$end", filter.End);
        command.Parameters.AddWithValue("$afterTime", after?.Time ?? long.MaxValue);

        // One more than a page tells whether there is a next one.
        var wanted = query.MaxResults + 1;
        var final = new List<LookupMatch>(wanted);
        var pending = new List<LookupMatch>();
        var exhausted = true;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                Promote(pending, final, reader.GetInt64(3));
                if (final.Count >= wanted)
                {
                    exhausted = false;
                    break;
                }

                var block = AuditLookupBlock.Open(reader.GetFieldValue<byte[]>(4), reader.GetInt64(2));
                filter.Collect(block, reader.GetInt64(0) << RecordBits, reader.GetInt64(1), start, after, pending);
                Trim(pending, wanted - final.Count);
            }
        }

        if (exhausted)
        {
            Promote(pending, final, long.MinValue);
        }

        var page = final.Take(query.MaxResults).ToList();
        var next = final.Count > query.MaxResults ? FormatToken(page[^1].Time, page[^1].Order) : null;
        return new AuditLookupPage(ReadEvents(page), next);
    }

    private static int NewestFirst(LookupMatch a, LookupMatch b) => a.Time != b.Time ? b.Time.CompareTo(a.Time) : b.Order.CompareTo(a.Order);

    /// <summary>Moves the pending records newer than <paramref name="bound"/> (the newest time any unread block can hold) to the final list, in order.</summary>
    private static void Promote(List<LookupMatch> pending, List<LookupMatch> final, long bound)
    {
        pending.Sort(NewestFirst);
        var moved = 0;
        while (moved < pending.Count && pending[moved].Time > bound)
        {
            final.Add(pending[moved++]);
        }

        pending.RemoveRange(0, moved);
    }

    /// <summary>Keeps only the newest <paramref name="room"/> pending records: the others come after a whole page.</summary>
    private static void Trim(List<LookupMatch> pending, int room)
    {
        if (pending.Count > room)
        {
            pending.Sort(NewestFirst);
            pending.RemoveRange(room, pending.Count - room);
        }
    }

    /// <summary>The records of a page, read from the journal's segments; one whose segment is gone (set aside as damaged) is left out.</summary>
    private List<AuditLookupEvent> ReadEvents(List<LookupMatch> page)
    {
        var events = new List<AuditLookupEvent>(page.Count);
        var files = new Dictionary<long, SafeFileHandle?>();
        try
        {
            foreach (var match in page)
            {
                if (!files.TryGetValue(match.Segment, out var file))
                {
                    file = OpenSegment(match.Segment);
                    files.Add(match.Segment, file);
                }

                var json = new byte[match.Length];
                if (file is null || RandomAccess.Read(file, json, match.Offset) != json.Length || TryReadFields(json) is not { } fields)
                {
                    continue;
                }

                events.Add(new AuditLookupEvent(
                    fields.EventId,
                    fields.EventName,
                    fields.EventSource,
                    DateTimeOffset.FromUnixTimeMilliseconds(fields.EventTime),
                    fields.ReadOnly,
                    fields.Username,
                    fields.AccessKeyId,
                    fields.Resources,
                    Encoding.UTF8.GetString(json)));
            }
        }
        finally
        {
            foreach (var file in files.Values)
            {
                file?.Dispose();
            }
        }

        return events;
    }

    /// <summary>Opens a segment wherever it is now; delivery may move it into the history between the look and the open.</summary>
    private SafeFileHandle? OpenSegment(long sequence)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            if (_journal.FindSegment(sequence) is not { } path)
            {
                return null;
            }

            try
            {
                return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            }
            catch (FileNotFoundException)
            {
            }
        }

        return null;
    }

    /// <summary>
    /// Removes what is older than <paramref name="cutoff"/> (the lookup window, e.g. 90 days):
    /// blocks wholly before it, the history segments no block reads any more, and, from the
    /// blocks that straddle it, every lookup's view of the older records. Returns how many records
    /// the removed blocks held.
    /// </summary>
    public long DeleteOlderThan(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        long? keepFrom;
        long removed;
        lock (_gate)
        {
            using var connection = OpenWriter();
            using var transaction = connection.BeginTransaction();
            using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            delete.CommandText = """
                SELECT coalesce(sum(records), 0), max(segment) FROM audit_blocks WHERE max_time < $cutoff;
                DELETE FROM audit_blocks WHERE max_time < $cutoff;
                INSERT INTO audit_lookup_pruned(id, before) VALUES(1, $cutoff) ON CONFLICT(id) DO UPDATE SET before = max(before, $cutoff);
                SELECT min(segment) FROM audit_blocks;
                """;
            delete.Parameters.AddWithValue("$cutoff", cutoff.ToUnixTimeMilliseconds());
            using (var reader = delete.ExecuteReader())
            {
                reader.Read();
                removed = reader.GetInt64(0);
                var lastRemoved = reader.IsDBNull(1) ? (long?)null : reader.GetInt64(1);
                reader.NextResult();
                reader.Read();
                keepFrom = reader.IsDBNull(0) ? lastRemoved + 1 : reader.GetInt64(0);
            }

            transaction.Commit();
        }

        if (keepFrom is { } sequence)
        {
            _journal.DeleteHistoryBefore(sequence);
        }

        return removed;
    }

    private static string FormatToken(long time, long id) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"2:{time}:{id}")));

    private static (long Time, long Id) ParseToken(string token)
    {
        try
        {
            var parts = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(token)).Split(':');
            if (parts.Length == 3 && parts[0] == "2"
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
