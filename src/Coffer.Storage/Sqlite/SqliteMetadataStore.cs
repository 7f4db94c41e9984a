using System.Text;
using System.Text.Json;
using Coffer.Storage.Buckets;
using Coffer.Storage.Listing;
using Coffer.Storage.Objects;
using Microsoft.Data.Sqlite;

namespace Coffer.Storage.Sqlite;

public sealed class SqliteMetadataStore : IMetadataStore
{
    private const string ObjectColumns = "key, size, etag, last_modified, headers, checksum_algorithm, checksum_value, blob_id";

    private readonly SqliteDatabase _database;

    public SqliteMetadataStore(SqliteDatabase database)
    {
        _database = database;
        _database.Migrate(StorageSchema.Module, StorageSchema.Migrations);
    }

    public async Task<BucketInfo?> GetBucketAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, created_at, region FROM buckets WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadBucket(reader) : null;
    }

    public async Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, created_at, region FROM buckets ORDER BY name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var buckets = new List<BucketInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            buckets.Add(ReadBucket(reader));
        }

        return buckets;
    }

    public Task CreateBucketAsync(BucketInfo bucket, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO buckets(name, created_at, region) VALUES($name, $created, $region) ON CONFLICT(name) DO NOTHING";
            command.Parameters.AddWithValue("$name", bucket.Name);
            command.Parameters.AddWithValue("$created", bucket.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$region", bucket.Region);
            if (command.ExecuteNonQuery() == 0)
            {
                throw new StorageException(StorageError.BucketAlreadyExists);
            }

            return true;
        }, cancellationToken);

    public Task DeleteBucketAsync(string name, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            using (var probe = connection.CreateCommand())
            {
                probe.CommandText = "SELECT EXISTS(SELECT 1 FROM objects WHERE bucket = $name)";
                probe.Parameters.AddWithValue("$name", name);
                if (Convert.ToInt64(probe.ExecuteScalar()) != 0)
                {
                    throw new StorageException(StorageError.BucketNotEmpty);
                }
            }

            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM buckets WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            if (command.ExecuteNonQuery() == 0)
            {
                throw new StorageException(StorageError.NoSuchBucket);
            }

            return true;
        }, cancellationToken);

    public async Task<ObjectInfo?> GetObjectAsync(string bucket, string key, bool includeInlineData, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        return ReadObject(connection, bucket, key, includeInlineData);
    }

    public Task<ObjectInfo?> PutObjectAsync(ObjectInfo info, WriteCondition condition, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            EnsureBucket(connection, info.Bucket);
            var previous = ReadObject(connection, info.Bucket, info.Key, includeInlineData: false);
            if (condition.MustNotExist && previous is not null)
            {
                throw new StorageException(StorageError.PreconditionFailed, "At least one of the pre-conditions you specified did not hold");
            }

            if (condition.IfMatchETag is { } etag && (previous is null || (etag != "*" && etag != previous.ETag)))
            {
                throw new StorageException(previous is null ? StorageError.NoSuchKey : StorageError.PreconditionFailed);
            }

            using var command = connection.CreateCommand();
            command.CommandText = $"""
                INSERT OR REPLACE INTO objects(bucket, {ObjectColumns}, inline_data)
                VALUES($bucket, $key, $size, $etag, $modified, $headers, $calg, $cval, $blob, $inline)
                """;
            command.Parameters.AddWithValue("$bucket", info.Bucket);
            command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(info.Key));
            command.Parameters.AddWithValue("$size", info.Size);
            command.Parameters.AddWithValue("$etag", info.ETag);
            command.Parameters.AddWithValue("$modified", info.LastModified.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$headers", JsonSerializer.Serialize(info.Headers, ObjectJsonContext.Default.ObjectHeaders));
            command.Parameters.AddWithValue("$calg", (object?)info.Checksum?.Algorithm ?? DBNull.Value);
            command.Parameters.AddWithValue("$cval", (object?)info.Checksum?.Value ?? DBNull.Value);
            command.Parameters.AddWithValue("$blob", (object?)info.BlobId ?? DBNull.Value);
            command.Parameters.AddWithValue("$inline", (object?)info.InlineData ?? DBNull.Value);
            command.ExecuteNonQuery();
            return previous;
        }, cancellationToken);

    public Task<ObjectInfo?> DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            EnsureBucket(connection, bucket);
            var previous = ReadObject(connection, bucket, key, includeInlineData: false);
            if (previous is null)
            {
                return null;
            }

            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM objects WHERE bucket = $bucket AND key = $key";
            command.Parameters.AddWithValue("$bucket", bucket);
            command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(key));
            command.ExecuteNonQuery();
            return previous;
        }, cancellationToken);

    public IKeyRangeReader KeyRange(string bucket) => new RangeReader(_database, bucket);

    public async Task<bool> IsBlobReferencedAsync(string blobId, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS(SELECT 1 FROM objects WHERE blob_id = $blob)";
        command.Parameters.AddWithValue("$blob", blobId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false)) != 0;
    }

    private static void EnsureBucket(SqliteConnection connection, string bucket)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS(SELECT 1 FROM buckets WHERE name = $name)";
        command.Parameters.AddWithValue("$name", bucket);
        if (Convert.ToInt64(command.ExecuteScalar()) == 0)
        {
            throw new StorageException(StorageError.NoSuchBucket);
        }
    }

    private static ObjectInfo? ReadObject(SqliteConnection connection, string bucket, string key, bool includeInlineData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = includeInlineData
            ? $"SELECT {ObjectColumns}, inline_data FROM objects WHERE bucket = $bucket AND key = $key"
            : $"SELECT {ObjectColumns} FROM objects WHERE bucket = $bucket AND key = $key";
        command.Parameters.AddWithValue("$bucket", bucket);
        command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(key));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new ObjectInfo
        {
            Bucket = bucket,
            Key = key,
            Size = reader.GetInt64(1),
            ETag = reader.GetString(2),
            LastModified = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
            Headers = JsonSerializer.Deserialize(reader.GetString(4), ObjectJsonContext.Default.ObjectHeaders) ?? new ObjectHeaders(),
            Checksum = reader.IsDBNull(5) ? null : new ObjectChecksum(reader.GetString(5), reader.GetString(6)),
            BlobId = reader.IsDBNull(7) ? null : reader.GetString(7),
            InlineData = includeInlineData && !reader.IsDBNull(8) ? (byte[])reader.GetValue(8) : null,
        };
    }

    private static BucketInfo ReadBucket(SqliteDataReader reader) =>
        new(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2));

    private sealed class RangeReader(SqliteDatabase database, string bucket) : IKeyRangeReader
    {
        public async Task<IReadOnlyList<ListEntry>> ReadAsync(byte[] from, byte[]? to, int limit, CancellationToken cancellationToken)
        {
            await using var connection = database.OpenRead();
            await using var command = connection.CreateCommand();
            command.CommandText = to is null
                ? "SELECT key, size, etag, last_modified FROM objects WHERE bucket = $bucket AND key >= $from ORDER BY key LIMIT $limit"
                : "SELECT key, size, etag, last_modified FROM objects WHERE bucket = $bucket AND key >= $from AND key < $to ORDER BY key LIMIT $limit";
            command.Parameters.AddWithValue("$bucket", bucket);
            command.Parameters.AddWithValue("$from", from);
            if (to is not null)
            {
                command.Parameters.AddWithValue("$to", to);
            }

            command.Parameters.AddWithValue("$limit", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var entries = new List<ListEntry>(Math.Min(limit, 1000));
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                entries.Add(new ListEntry(
                    (byte[])reader.GetValue(0),
                    reader.GetInt64(1),
                    reader.GetString(2),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
            }

            return entries;
        }
    }
}
