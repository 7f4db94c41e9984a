using System.Text;
using System.Text.Json;
using Coffer.Storage.Buckets;
using Coffer.Storage.Listing;
using Coffer.Storage.Multipart;
using Coffer.Storage.Objects;
using Microsoft.Data.Sqlite;

namespace Coffer.Storage.Sqlite;

public sealed class SqliteMetadataStore : IMetadataStore
{
    private const string ObjectColumns = "key, size, etag, last_modified, headers, checksum_algorithm, checksum_value, blob_id, upload_id, parts_count, checksum_type, encryption";
    private const string PartColumns = "upload_id, part_number, size, etag, last_modified, checksum_value, blob_id, object_offset, encryption";
    private const string UploadColumns = "upload_id, bucket, key, initiated, headers, checksum_algorithm, checksum_type, encryption";

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
            if (Exists(connection, "SELECT EXISTS(SELECT 1 FROM objects WHERE bucket = $p)", name)
                || Exists(connection, "SELECT EXISTS(SELECT 1 FROM uploads WHERE bucket = $p)", name))
            {
                throw new StorageException(StorageError.BucketNotEmpty);
            }

            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM buckets WHERE name = $name";
            command.Parameters.AddWithValue("$name", name);
            if (command.ExecuteNonQuery() == 0)
            {
                throw new StorageException(StorageError.NoSuchBucket);
            }

            using var config = connection.CreateCommand();
            config.CommandText = "DELETE FROM bucket_config WHERE bucket = $name";
            config.Parameters.AddWithValue("$name", name);
            config.ExecuteNonQuery();
            return true;
        }, cancellationToken);

    public async Task<string?> GetBucketConfigAsync(string bucket, string name, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT b.name, c.value FROM buckets b LEFT JOIN bucket_config c ON c.bucket = b.name AND c.name = $config
            WHERE b.name = $bucket
            """;
        command.Parameters.AddWithValue("$bucket", bucket);
        command.Parameters.AddWithValue("$config", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new StorageException(StorageError.NoSuchBucket);
        }

        return reader.IsDBNull(1) ? null : reader.GetString(1);
    }

    public Task SetBucketConfigAsync(string bucket, string name, string? value, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            EnsureBucket(connection, bucket);
            using var command = connection.CreateCommand();
            command.CommandText = value is null
                ? "DELETE FROM bucket_config WHERE bucket = $bucket AND name = $name"
                : "INSERT INTO bucket_config(bucket, name, value) VALUES($bucket, $name, $value) ON CONFLICT(bucket, name) DO UPDATE SET value = $value";
            command.Parameters.AddWithValue("$bucket", bucket);
            command.Parameters.AddWithValue("$name", name);
            if (value is not null)
            {
                command.Parameters.AddWithValue("$value", value);
            }

            command.ExecuteNonQuery();
            return true;
        }, cancellationToken);

    public async Task<ObjectInfo?> GetObjectAsync(string bucket, string key, bool includeInlineData, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        return ReadObject(connection, bucket, key, includeInlineData);
    }

    public Task<WriteResult> PutObjectAsync(ObjectInfo info, WriteCondition condition, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            EnsureBucket(connection, info.Bucket);
            var previous = ReadObject(connection, info.Bucket, info.Key, includeInlineData: false);
            CheckCondition(condition, previous);
            var released = ReleaseContent(connection, previous);
            InsertObject(connection, info);
            return new WriteResult(previous, released);
        }, cancellationToken);

    public Task<WriteResult> DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            EnsureBucket(connection, bucket);
            var previous = ReadObject(connection, bucket, key, includeInlineData: false);
            if (previous is null)
            {
                return WriteResult.Nothing;
            }

            var released = ReleaseContent(connection, previous);
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM objects WHERE bucket = $bucket AND key = $key";
            command.Parameters.AddWithValue("$bucket", bucket);
            command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(key));
            command.ExecuteNonQuery();
            return new WriteResult(previous, released);
        }, cancellationToken);

    public IKeyRangeReader KeyRange(string bucket) => new RangeReader(_database, bucket);

    public async Task<bool> IsBlobReferencedAsync(string blobId, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        return Exists(connection, "SELECT EXISTS(SELECT 1 FROM objects WHERE blob_id = $p) OR EXISTS(SELECT 1 FROM parts WHERE blob_id = $p)", blobId);
    }

    public async Task<IReadOnlyList<PartInfo>> GetObjectPartsAsync(string uploadId, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        return ReadParts(connection, uploadId, 0, int.MaxValue);
    }

    public Task CreateUploadAsync(UploadInfo upload, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            EnsureBucket(connection, upload.Bucket);
            using var command = connection.CreateCommand();
            command.CommandText = $"INSERT INTO uploads({UploadColumns}) VALUES($id, $bucket, $key, $initiated, $headers, $calg, $ctype, $enc)";
            command.Parameters.AddWithValue("$id", upload.UploadId);
            command.Parameters.AddWithValue("$bucket", upload.Bucket);
            command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(upload.Key));
            command.Parameters.AddWithValue("$initiated", upload.Initiated.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$headers", JsonSerializer.Serialize(upload.Headers, ObjectJsonContext.Default.ObjectHeaders));
            command.Parameters.AddWithValue("$calg", (object?)upload.ChecksumAlgorithm ?? DBNull.Value);
            command.Parameters.AddWithValue("$ctype", (object?)upload.ChecksumType ?? DBNull.Value);
            command.Parameters.AddWithValue("$enc", (object?)upload.Encryption ?? DBNull.Value);
            command.ExecuteNonQuery();
            return true;
        }, cancellationToken);

    public async Task<UploadInfo?> GetUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        return ReadUpload(connection, bucket, key, uploadId);
    }

    public Task<WriteResult> PutPartAsync(string bucket, string key, PartInfo part, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            if (ReadUpload(connection, bucket, key, part.UploadId) is null)
            {
                throw new StorageException(StorageError.NoSuchUpload);
            }

            var previous = ReadParts(connection, part.UploadId, part.PartNumber - 1, 1).FirstOrDefault(p => p.PartNumber == part.PartNumber);
            using var command = connection.CreateCommand();
            command.CommandText = $"INSERT OR REPLACE INTO parts({PartColumns}) VALUES($upload, $number, $size, $etag, $modified, $checksum, $blob, NULL, $enc)";
            command.Parameters.AddWithValue("$upload", part.UploadId);
            command.Parameters.AddWithValue("$number", part.PartNumber);
            command.Parameters.AddWithValue("$size", part.Size);
            command.Parameters.AddWithValue("$etag", part.ETag);
            command.Parameters.AddWithValue("$modified", part.LastModified.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$checksum", (object?)part.ChecksumValue ?? DBNull.Value);
            command.Parameters.AddWithValue("$blob", part.BlobId);
            command.Parameters.AddWithValue("$enc", (object?)part.Encryption ?? DBNull.Value);
            command.ExecuteNonQuery();
            return new WriteResult(null, previous is null || previous.BlobId == part.BlobId ? [] : [previous.BlobId]);
        }, cancellationToken);

    public async Task<IReadOnlyList<PartInfo>> ListPartsAsync(string uploadId, int afterPartNumber, int limit, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        return ReadParts(connection, uploadId, afterPartNumber, limit);
    }

    public async Task<IReadOnlyList<UploadInfo>> ListUploadsAsync(string bucket, string prefix, string? keyMarker, string? uploadIdMarker, int limit, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var upper = KeyOrder.PrefixUpperBound(prefixBytes);
        var conditions = new StringBuilder("bucket = $bucket AND key >= $prefix");
        if (upper is not null)
        {
            conditions.Append(" AND key < $upper");
            command.Parameters.AddWithValue("$upper", upper);
        }

        if (keyMarker is not null)
        {
            // S3: with an upload-id-marker, uploads of the marker key after that id; without, keys after the marker.
            conditions.Append(uploadIdMarker is null
                ? " AND key > $marker"
                : " AND (key > $marker OR (key = $marker AND upload_id > $idMarker))");
            command.Parameters.AddWithValue("$marker", Encoding.UTF8.GetBytes(keyMarker));
            if (uploadIdMarker is not null)
            {
                command.Parameters.AddWithValue("$idMarker", uploadIdMarker);
            }
        }

        command.CommandText = $"SELECT {UploadColumns} FROM uploads WHERE {conditions} ORDER BY key, upload_id LIMIT $limit";
        command.Parameters.AddWithValue("$bucket", bucket);
        command.Parameters.AddWithValue("$prefix", prefixBytes);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var uploads = new List<UploadInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            uploads.Add(ReadUpload(reader));
        }

        return uploads;
    }

    public Task<(ObjectInfo Object, WriteResult Result)> CompleteUploadAsync(
        UploadInfo upload, IReadOnlyList<CompletedPart> parts, long minimumPartSize, WriteCondition condition, Func<IReadOnlyList<PartInfo>, ObjectInfo> build, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            if (ReadUpload(connection, upload.Bucket, upload.Key, upload.UploadId) is null)
            {
                // Completing again answers with what the first completion made, while it is still the current object.
                var current = ReadObject(connection, upload.Bucket, upload.Key, includeInlineData: false);
                if (current?.UploadId == upload.UploadId)
                {
                    return (current, WriteResult.Nothing);
                }

                throw new StorageException(StorageError.NoSuchUpload);
            }

            var stored = ReadParts(connection, upload.UploadId, 0, int.MaxValue).ToDictionary(p => p.PartNumber);
            var chosen = new List<PartInfo>(parts.Count);
            for (var i = 0; i < parts.Count; i++)
            {
                if (i > 0 && parts[i].PartNumber <= parts[i - 1].PartNumber)
                {
                    throw new StorageException(StorageError.InvalidPartOrder, "The list of parts was not in ascending order. The parts list must be specified in order by part number.");
                }

                if (!stored.TryGetValue(parts[i].PartNumber, out var part) || part.ETag != parts[i].ETag.Trim('"'))
                {
                    throw new StorageException(StorageError.InvalidPart, "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.");
                }

                chosen.Add(part);
            }

            for (var i = 0; i < chosen.Count - 1; i++)
            {
                if (chosen[i].Size < minimumPartSize)
                {
                    throw new StorageException(StorageError.EntityTooSmall, "Your proposed upload is smaller than the minimum allowed object size.");
                }
            }

            var placed = new List<PartInfo>(chosen.Count);
            long offset = 0;
            foreach (var part in chosen)
            {
                placed.Add(new PartInfo
                {
                    UploadId = part.UploadId,
                    PartNumber = part.PartNumber,
                    Size = part.Size,
                    ETag = part.ETag,
                    LastModified = part.LastModified,
                    ChecksumValue = part.ChecksumValue,
                    BlobId = part.BlobId,
                    ObjectOffset = offset,
                    Encryption = part.Encryption,
                });
                offset += part.Size;
            }

            var info = build(placed);
            var previous = ReadObject(connection, upload.Bucket, upload.Key, includeInlineData: false);
            CheckCondition(condition, previous);
            var released = ReleaseContent(connection, previous);

            var chosenNumbers = chosen.Select(p => p.PartNumber).ToHashSet();
            foreach (var unused in stored.Values.Where(p => !chosenNumbers.Contains(p.PartNumber)))
            {
                released.Add(unused.BlobId);
                using var drop = connection.CreateCommand();
                drop.CommandText = "DELETE FROM parts WHERE upload_id = $upload AND part_number = $number";
                drop.Parameters.AddWithValue("$upload", upload.UploadId);
                drop.Parameters.AddWithValue("$number", unused.PartNumber);
                drop.ExecuteNonQuery();
            }

            foreach (var part in placed)
            {
                using var place = connection.CreateCommand();
                place.CommandText = "UPDATE parts SET object_offset = $offset WHERE upload_id = $upload AND part_number = $number";
                place.Parameters.AddWithValue("$offset", part.ObjectOffset);
                place.Parameters.AddWithValue("$upload", upload.UploadId);
                place.Parameters.AddWithValue("$number", part.PartNumber);
                place.ExecuteNonQuery();
            }

            using (var remove = connection.CreateCommand())
            {
                remove.CommandText = "DELETE FROM uploads WHERE upload_id = $upload";
                remove.Parameters.AddWithValue("$upload", upload.UploadId);
                remove.ExecuteNonQuery();
            }

            InsertObject(connection, info);
            return (info, new WriteResult(previous, released));
        }, cancellationToken);

    public Task<IReadOnlyList<string>> AbortUploadAsync(string bucket, string key, string uploadId, CancellationToken cancellationToken) =>
        _database.WriteAsync<IReadOnlyList<string>>(connection =>
        {
            if (ReadUpload(connection, bucket, key, uploadId) is null)
            {
                throw new StorageException(StorageError.NoSuchUpload);
            }

            return DropUpload(connection, uploadId);
        }, cancellationToken);

    public Task<IReadOnlyList<string>> ExpireUploadsAsync(DateTimeOffset initiatedBefore, int limit, CancellationToken cancellationToken) =>
        _database.WriteAsync<IReadOnlyList<string>>(connection =>
        {
            var ids = new List<string>();
            using (var find = connection.CreateCommand())
            {
                find.CommandText = "SELECT upload_id FROM uploads WHERE initiated < $before ORDER BY initiated LIMIT $limit";
                find.Parameters.AddWithValue("$before", initiatedBefore.ToUnixTimeMilliseconds());
                find.Parameters.AddWithValue("$limit", limit);
                using var reader = find.ExecuteReader();
                while (reader.Read())
                {
                    ids.Add(reader.GetString(0));
                }
            }

            return ids.SelectMany(id => DropUpload(connection, id)).ToList();
        }, cancellationToken);

    private static List<string> DropUpload(SqliteConnection connection, string uploadId)
    {
        var blobs = ReadParts(connection, uploadId, 0, int.MaxValue).Select(p => p.BlobId).ToList();
        using var command = connection.CreateCommand();
        command.CommandText = "DELETE FROM parts WHERE upload_id = $upload; DELETE FROM uploads WHERE upload_id = $upload;";
        command.Parameters.AddWithValue("$upload", uploadId);
        command.ExecuteNonQuery();
        return blobs;
    }

    private static void CheckCondition(WriteCondition condition, ObjectInfo? previous)
    {
        if (condition.MustNotExist && previous is not null)
        {
            throw new StorageException(StorageError.PreconditionFailed, "At least one of the pre-conditions you specified did not hold");
        }

        if (condition.IfMatchETag is { } etag && (previous is null || (etag != "*" && etag != previous.ETag)))
        {
            throw new StorageException(previous is null ? StorageError.NoSuchKey : StorageError.PreconditionFailed);
        }
    }

    /// <summary>Detaches what <paramref name="previous"/> stored (its blob, or its parts) and returns the blobs to delete after commit.</summary>
    private static List<string> ReleaseContent(SqliteConnection connection, ObjectInfo? previous)
    {
        var released = new List<string>();
        if (previous is null)
        {
            return released;
        }

        if (previous.BlobId is not null)
        {
            released.Add(previous.BlobId);
        }

        if (previous.UploadId is not null)
        {
            released.AddRange(DropUpload(connection, previous.UploadId));
        }

        return released;
    }

    private static void InsertObject(SqliteConnection connection, ObjectInfo info)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT OR REPLACE INTO objects(bucket, {ObjectColumns}, inline_data)
            VALUES($bucket, $key, $size, $etag, $modified, $headers, $calg, $cval, $blob, $upload, $parts, $ctype, $enc, $inline)
            """;
        command.Parameters.AddWithValue("$bucket", info.Bucket);
        command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(info.Key));
        command.Parameters.AddWithValue("$size", info.Size);
        command.Parameters.AddWithValue("$etag", info.ETag);
        command.Parameters.AddWithValue("$modified", info.LastModified.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$headers", JsonSerializer.Serialize(info.Headers, ObjectJsonContext.Default.ObjectHeaders));
        command.Parameters.AddWithValue("$calg", (object?)info.Checksum?.Algorithm ?? DBNull.Value);
        command.Parameters.AddWithValue("$cval", (object?)info.Checksum?.Value ?? DBNull.Value);
        command.Parameters.AddWithValue("$ctype", (object?)info.Checksum?.Type ?? DBNull.Value);
        command.Parameters.AddWithValue("$blob", (object?)info.BlobId ?? DBNull.Value);
        command.Parameters.AddWithValue("$upload", (object?)info.UploadId ?? DBNull.Value);
        command.Parameters.AddWithValue("$parts", info.PartsCount);
        command.Parameters.AddWithValue("$enc", (object?)info.Encryption ?? DBNull.Value);
        command.Parameters.AddWithValue("$inline", (object?)info.InlineData ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static bool Exists(SqliteConnection connection, string sql, string parameter)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$p", parameter);
        return Convert.ToInt64(command.ExecuteScalar()) != 0;
    }

    private static void EnsureBucket(SqliteConnection connection, string bucket)
    {
        if (!Exists(connection, "SELECT EXISTS(SELECT 1 FROM buckets WHERE name = $p)", bucket))
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
            Checksum = reader.IsDBNull(5) ? null : new ObjectChecksum(reader.GetString(5), reader.GetString(6), reader.IsDBNull(10) ? ObjectChecksum.FullObject : reader.GetString(10)),
            BlobId = reader.IsDBNull(7) ? null : reader.GetString(7),
            UploadId = reader.IsDBNull(8) ? null : reader.GetString(8),
            PartsCount = reader.GetInt32(9),
            Encryption = reader.IsDBNull(11) ? null : reader.GetString(11),
            InlineData = includeInlineData && !reader.IsDBNull(12) ? (byte[])reader.GetValue(12) : null,
        };
    }

    private static List<PartInfo> ReadParts(SqliteConnection connection, string uploadId, int afterPartNumber, int limit)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {PartColumns} FROM parts WHERE upload_id = $upload AND part_number > $after ORDER BY part_number LIMIT $limit";
        command.Parameters.AddWithValue("$upload", uploadId);
        command.Parameters.AddWithValue("$after", afterPartNumber);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var parts = new List<PartInfo>();
        while (reader.Read())
        {
            parts.Add(new PartInfo
            {
                UploadId = reader.GetString(0),
                PartNumber = reader.GetInt32(1),
                Size = reader.GetInt64(2),
                ETag = reader.GetString(3),
                LastModified = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                ChecksumValue = reader.IsDBNull(5) ? null : reader.GetString(5),
                BlobId = reader.GetString(6),
                ObjectOffset = reader.IsDBNull(7) ? null : reader.GetInt64(7),
                Encryption = reader.IsDBNull(8) ? null : reader.GetString(8),
            });
        }

        return parts;
    }

    private static UploadInfo? ReadUpload(SqliteConnection connection, string bucket, string key, string uploadId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {UploadColumns} FROM uploads WHERE upload_id = $id AND bucket = $bucket AND key = $key";
        command.Parameters.AddWithValue("$id", uploadId);
        command.Parameters.AddWithValue("$bucket", bucket);
        command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(key));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadUpload(reader) : null;
    }

    private static UploadInfo ReadUpload(SqliteDataReader reader) => new()
    {
        UploadId = reader.GetString(0),
        Bucket = reader.GetString(1),
        Key = Encoding.UTF8.GetString((byte[])reader.GetValue(2)),
        Initiated = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        Headers = JsonSerializer.Deserialize(reader.GetString(4), ObjectJsonContext.Default.ObjectHeaders) ?? new ObjectHeaders(),
        ChecksumAlgorithm = reader.IsDBNull(5) ? null : reader.GetString(5),
        ChecksumType = reader.IsDBNull(6) ? null : reader.GetString(6),
        Encryption = reader.IsDBNull(7) ? null : reader.GetString(7),
    };

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
