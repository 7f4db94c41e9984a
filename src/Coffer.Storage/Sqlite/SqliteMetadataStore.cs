using System.Text;
using System.Text.Json;
using Coffer.Storage.Buckets;
using Coffer.Storage.Lifecycle;
using Coffer.Storage.Listing;
using Coffer.Storage.Locking;
using Coffer.Storage.Multipart;
using Coffer.Storage.Objects;
using Coffer.Storage.Versions;
using Microsoft.Data.Sqlite;

namespace Coffer.Storage.Sqlite;

public sealed class SqliteMetadataStore : IMetadataStore
{
    private const string ObjectColumns = "key, size, etag, last_modified, headers, checksum_algorithm, checksum_value, blob_id, upload_id, parts_count, checksum_type, encryption, version_id, null_version, delete_marker, tags, lock_mode, lock_until, legal_hold";
    private const string VersionEntryColumns = "key, version_id, null_version, delete_marker, size, etag, last_modified, checksum_algorithm, checksum_type";
    private const string PartColumns = "upload_id, part_number, size, etag, last_modified, checksum_value, blob_id, object_offset, encryption";
    private const string UploadColumns = "upload_id, bucket, key, initiated, headers, checksum_algorithm, checksum_type, encryption, tags, lock_mode, lock_until, legal_hold";

    /// <summary>The configuration row whose presence means the bucket has object lock.</summary>
    private const string ObjectLockConfig = "object-lock";

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
        command.CommandText = "SELECT name, created_at, region, versioning FROM buckets WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadBucket(reader) : null;
    }

    public async Task<IReadOnlyList<BucketInfo>> ListBucketsAsync(CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, created_at, region, versioning FROM buckets ORDER BY name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var buckets = new List<BucketInfo>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            buckets.Add(ReadBucket(reader));
        }

        return buckets;
    }

    public Task CreateBucketAsync(BucketInfo bucket, IReadOnlyDictionary<string, string> configuration, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO buckets(name, created_at, region, versioning) VALUES($name, $created, $region, $versioning) ON CONFLICT(name) DO NOTHING";
            command.Parameters.AddWithValue("$name", bucket.Name);
            command.Parameters.AddWithValue("$created", bucket.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$region", bucket.Region);
            command.Parameters.AddWithValue("$versioning", (object?)bucket.Versioning?.ToString() ?? DBNull.Value);
            if (command.ExecuteNonQuery() == 0)
            {
                throw new StorageException(StorageError.BucketAlreadyExists);
            }

            foreach (var (name, value) in configuration)
            {
                WriteConfig(connection, bucket.Name, name, value);
            }

            return true;
        }, cancellationToken);

    public Task DeleteBucketAsync(string name, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            if (Exists(connection, "SELECT EXISTS(SELECT 1 FROM objects WHERE bucket = $p)", name)
                || Exists(connection, "SELECT EXISTS(SELECT 1 FROM uploads WHERE bucket = $p)", name)
                || Exists(connection, "SELECT EXISTS(SELECT 1 FROM object_versions WHERE bucket = $p)", name))
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
            WriteConfig(connection, bucket, name, value);
            return true;
        }, cancellationToken);

    private static void WriteConfig(SqliteConnection connection, string bucket, string name, string? value)
    {
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
    }

    public Task SetObjectLockConfigAsync(string bucket, string value, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            if (ReadVersioning(connection, bucket) != VersioningStatus.Enabled)
            {
                throw new StorageException(StorageError.InvalidBucketState, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");
            }

            WriteConfig(connection, bucket, ObjectLockConfig, value);
            return true;
        }, cancellationToken);

    public Task SetBucketVersioningAsync(string bucket, VersioningStatus status, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            if (status != VersioningStatus.Enabled && HasObjectLock(connection, bucket))
            {
                throw new StorageException(StorageError.InvalidBucketState, "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");
            }

            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE buckets SET versioning = $status WHERE name = $name";
            command.Parameters.AddWithValue("$name", bucket);
            command.Parameters.AddWithValue("$status", status.ToString());
            if (command.ExecuteNonQuery() == 0)
            {
                throw new StorageException(StorageError.NoSuchBucket);
            }

            return true;
        }, cancellationToken);

    public async Task<ObjectInfo?> GetObjectAsync(string bucket, string key, bool includeInlineData, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        return ReadRow(connection, "objects", bucket, key, null, includeInlineData, withVersioning: true);
    }

    public async Task<ObjectInfo?> GetObjectVersionAsync(string bucket, string key, string versionId, bool includeInlineData, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        return ReadRow(connection, "objects", bucket, key, versionId, includeInlineData, withVersioning: true)
            ?? ReadRow(connection, "object_versions", bucket, key, versionId, includeInlineData, withVersioning: true);
    }

    public Task<WriteResult> PutObjectAsync(ObjectInfo info, WriteCondition condition, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            var versioning = ReadVersioning(connection, info.Bucket);
            var previous = ReadObject(connection, info.Bucket, info.Key, includeInlineData: false);
            CheckCondition(condition, previous);
            var (written, released) = Supersede(connection, info, previous, versioning);
            return new WriteResult(previous, released, written);
        }, cancellationToken);

    public Task<WriteResult> DeleteObjectAsync(string bucket, string key, string markerVersionId, DateTimeOffset now, WriteCondition condition, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            var versioning = ReadVersioning(connection, bucket);
            var previous = ReadObject(connection, bucket, key, includeInlineData: false);
            if (condition.Excludes(previous))
            {
                return new WriteResult(previous, []);
            }

            if (versioning is not null)
            {
                // S3 writes a delete marker whether or not the key had a current version.
                var marker = new ObjectInfo
                {
                    Bucket = bucket,
                    Key = key,
                    Size = 0,
                    ETag = string.Empty,
                    LastModified = now,
                    Headers = new ObjectHeaders(),
                    VersionId = markerVersionId,
                    IsDeleteMarker = true,
                };
                var (written, releasedByMarker) = Supersede(connection, marker, previous, versioning);
                return new WriteResult(previous, releasedByMarker, written);
            }

            if (previous is null)
            {
                return WriteResult.Nothing;
            }

            var released = ReleaseContent(connection, previous);
            DeleteRow(connection, "objects", bucket, key, null);
            return new WriteResult(previous, released);
        }, cancellationToken);

    public Task<WriteResult> DeleteObjectVersionAsync(string bucket, string key, string versionId, WriteCondition condition, LockOverride lockOverride, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            var versioning = ReadVersioning(connection, bucket);
            var current = ReadObject(connection, bucket, key, includeInlineData: false);
            if (current is not null && (versionId == VersionIds.Null ? current.IsNullVersion : !current.IsNullVersion && current.VersionId == versionId))
            {
                if (condition.Excludes(current))
                {
                    return new WriteResult(current, []);
                }

                ObjectLocks.EnsureRemovable(current, lockOverride);
                var releasedCurrent = ReleaseContent(connection, current);
                DeleteRow(connection, "objects", bucket, key, null);

                // The next newest version, if any, becomes the current one.
                if (ReadRow(connection, "object_versions", bucket, key, null, includeInlineData: true, withVersioning: false) is { } next)
                {
                    DeleteRow(connection, "object_versions", bucket, key, next.VersionId);
                    InsertRow(connection, "objects", next);
                }

                return new WriteResult(current, releasedCurrent, current with { BucketVersioning = versioning });
            }

            var version = ReadRow(connection, "object_versions", bucket, key, versionId, includeInlineData: false, withVersioning: false);
            if (version is null || condition.Excludes(version))
            {
                return new WriteResult(current, []);
            }

            ObjectLocks.EnsureRemovable(version, lockOverride);
            var released = ReleaseContent(connection, version);
            DeleteRow(connection, "object_versions", bucket, key, version.VersionId);
            return new WriteResult(current, released, version with { BucketVersioning = versioning });
        }, cancellationToken);

    public Task<ObjectInfo?> UpdateVersionAsync(string bucket, string key, string? versionId, Func<ObjectInfo, ObjectInfo> change, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            var versioning = ReadVersioning(connection, bucket);
            var (table, version) = versionId is null
                ? ("objects", ReadObject(connection, bucket, key, includeInlineData: false))
                : FindVersion(connection, bucket, key, versionId);
            if (version is null || version.IsDeleteMarker)
            {
                return version is null ? null : version with { BucketVersioning = versioning };
            }

            var changed = change(version with { BucketVersioning = versioning });

            // The version keeps its id, content and place in the chain: only these attributes change.
            using var command = connection.CreateCommand();
            var older = table == "object_versions";
            command.CommandText = $"UPDATE {table} SET tags = $tags, lock_mode = $mode, lock_until = $until, legal_hold = $hold WHERE bucket = $bucket AND key = $key"
                + (older ? " AND version_id = $version" : string.Empty);
            command.Parameters.AddWithValue("$tags", TagsToDb(changed.Tags));
            AddLockParameters(command, changed.Retention, changed.LegalHold);
            command.Parameters.AddWithValue("$bucket", bucket);
            command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(key));
            if (older)
            {
                command.Parameters.AddWithValue("$version", version.VersionId);
            }

            command.ExecuteNonQuery();
            return changed;
        }, cancellationToken);

    private static void AddLockParameters(SqliteCommand command, ObjectRetention? retention, bool legalHold)
    {
        command.Parameters.AddWithValue("$mode", (object?)retention?.Mode.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("$until", (object?)retention?.RetainUntil.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$hold", legalHold ? 1 : 0);
    }

    private static ObjectRetention? ReadRetention(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new ObjectRetention(Enum.Parse<RetentionMode>(reader.GetString(ordinal)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal + 1)));

    private static bool HasObjectLock(SqliteConnection connection, string bucket)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT EXISTS(SELECT 1 FROM bucket_config WHERE bucket = $bucket AND name = $name)";
        command.Parameters.AddWithValue("$bucket", bucket);
        command.Parameters.AddWithValue("$name", ObjectLockConfig);
        return Convert.ToInt64(command.ExecuteScalar()) != 0;
    }

    /// <summary>A named version ("null" for the null version) and the table that holds it.</summary>
    private static (string Table, ObjectInfo? Version) FindVersion(SqliteConnection connection, string bucket, string key, string versionId)
    {
        var current = ReadRow(connection, "objects", bucket, key, versionId, includeInlineData: false, withVersioning: false);
        return current is not null
            ? ("objects", current)
            : ("object_versions", ReadRow(connection, "object_versions", bucket, key, versionId, includeInlineData: false, withVersioning: false));
    }

    public IKeyRangeReader KeyRange(string bucket) => new RangeReader(_database, bucket);

    public IVersionRangeReader VersionRange(string bucket) => new VersionReader(_database, bucket);

    public async Task<IReadOnlyList<VersionRow>> ScanVersionsAsync(string bucket, byte[]? afterKey, string? afterVersion, int limit, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        var rows = new List<VersionRow>(Math.Min(limit, 1000));
        if (afterKey is not null && afterVersion is not null)
        {
            // The rest of one key's versions, then the keys after it: each arm stays on its primary key.
            ScanVersions(connection, bucket, "key = $key AND version_id > $after", afterKey, afterVersion, limit, rows);
        }

        if (rows.Count < limit)
        {
            ScanVersions(connection, bucket, afterKey is null ? "1 = 1" : "key > $key", afterKey, null, limit - rows.Count, rows);
        }

        return rows;
    }

    private static void ScanVersions(SqliteConnection connection, string bucket, string range, byte[]? key, string? after, int limit, List<VersionRow> rows) =>
        ReadBothTables(connection, bucket, "key, version_id, null_version, delete_marker, size, last_modified, tags", range, parameters =>
        {
            if (key is not null)
            {
                parameters.AddWithValue("$key", key);
            }

            if (after is not null)
            {
                parameters.AddWithValue("$after", after);
            }
        }, limit, reader => new VersionRow(
            (byte[])reader.GetValue(0),
            reader.IsDBNull(1) ? null : reader.GetString(1),
            reader.GetInt64(2) != 0,
            reader.GetInt64(3) != 0,
            reader.GetInt64(7) != 0,
            reader.GetInt64(4),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
            TagsFromDb(reader, 6)), rows);

    /// <summary>
    /// Rows of objects and object_versions in <paramref name="range"/>, in (key, version_id) order: both
    /// arms come out of their primary keys in that order and are merged, and the current version's id
    /// is the newest, so it leads its key. The column after <paramref name="columns"/> is 1 for the current one.
    /// </summary>
    private static void ReadBothTables<T>(
        SqliteConnection connection, string bucket, string columns, string range, Action<SqliteParameterCollection> bind, int limit, Func<SqliteDataReader, T> read, List<T> rows)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {columns}, 1 FROM objects WHERE bucket = $bucket AND {range}
            UNION ALL
            SELECT {columns}, 0 FROM object_versions WHERE bucket = $bucket AND {range}
            ORDER BY 1, 2 LIMIT $limit
            """;
        command.Parameters.AddWithValue("$bucket", bucket);
        bind(command.Parameters);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }
    }

    public async Task<bool> IsBlobReferencedAsync(string blobId, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        return Exists(connection, "SELECT EXISTS(SELECT 1 FROM objects WHERE blob_id = $p) OR EXISTS(SELECT 1 FROM object_versions WHERE blob_id = $p) OR EXISTS(SELECT 1 FROM parts WHERE blob_id = $p)", blobId);
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
            command.CommandText = $"INSERT INTO uploads({UploadColumns}) VALUES($id, $bucket, $key, $initiated, $headers, $calg, $ctype, $enc, $tags, $mode, $until, $hold)";
            AddLockParameters(command, upload.Retention, upload.LegalHold);
            command.Parameters.AddWithValue("$id", upload.UploadId);
            command.Parameters.AddWithValue("$bucket", upload.Bucket);
            command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(upload.Key));
            command.Parameters.AddWithValue("$initiated", upload.Initiated.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$headers", JsonSerializer.Serialize(upload.Headers, ObjectJsonContext.Default.ObjectHeaders));
            command.Parameters.AddWithValue("$calg", (object?)upload.ChecksumAlgorithm ?? DBNull.Value);
            command.Parameters.AddWithValue("$ctype", (object?)upload.ChecksumType ?? DBNull.Value);
            command.Parameters.AddWithValue("$enc", (object?)upload.Encryption ?? DBNull.Value);
            command.Parameters.AddWithValue("$tags", TagsToDb(upload.Tags));
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
            var versioning = ReadVersioning(connection, upload.Bucket);
            if (ReadUpload(connection, upload.Bucket, upload.Key, upload.UploadId) is null)
            {
                // Completing again answers with what the first completion made, while it is still the current object.
                var current = ReadObject(connection, upload.Bucket, upload.Key, includeInlineData: false);
                if (current?.UploadId == upload.UploadId)
                {
                    // With the bucket's versioning, so that the answer names the version it made.
                    return (current with { BucketVersioning = versioning }, WriteResult.Nothing);
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

            var previous = ReadObject(connection, upload.Bucket, upload.Key, includeInlineData: false);
            CheckCondition(condition, previous);
            var (info, released) = Supersede(connection, build(placed), previous, versioning);

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

            return (info, new WriteResult(previous, released, info));
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

    /// <summary>Checks a conditional write against the current version; a delete marker counts as no object.</summary>
    private static void CheckCondition(WriteCondition condition, ObjectInfo? current)
    {
        var previous = current is { IsDeleteMarker: false } ? current : null;
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

    /// <summary>
    /// Makes <paramref name="info"/> the current version of its key, as the bucket's versioning
    /// says: with versioning on, <paramref name="current"/> becomes an older version; otherwise
    /// the new row is the null version, which replaces the null version (current or older) in place.
    /// Returns the row written and the blobs nothing refers to any more.
    /// </summary>
    private static (ObjectInfo Written, List<string> Released) Supersede(SqliteConnection connection, ObjectInfo info, ObjectInfo? current, VersioningStatus? versioning)
    {
        var versionId = info.VersionId ?? throw new InvalidOperationException("A new version needs an id.");

        // Ids come from a clock: if it went back, still sort the new version before the current one.
        if (current?.VersionId is { } currentId && string.CompareOrdinal(versionId, currentId) >= 0)
        {
            versionId = VersionIds.Newer(currentId);
        }

        var row = info with { VersionId = versionId, IsNullVersion = versioning != VersioningStatus.Enabled, BucketVersioning = versioning };
        var released = new List<string>();
        if (current is not null)
        {
            if (row.IsNullVersion && current.IsNullVersion)
            {
                ObjectLocks.EnsureRemovable(current, new LockOverride(info.LastModified, BypassGovernance: false));
                released.AddRange(ReleaseContent(connection, current));
            }
            else
            {
                Archive(connection, current, current.VersionId ?? VersionIds.Older(versionId));
            }
        }

        if (row.IsNullVersion && versioning is not null
            && ReadRow(connection, "object_versions", row.Bucket, row.Key, VersionIds.Null, includeInlineData: false, withVersioning: false) is { } olderNull)
        {
            ObjectLocks.EnsureRemovable(olderNull, new LockOverride(info.LastModified, BypassGovernance: false));
            released.AddRange(ReleaseContent(connection, olderNull));
            DeleteRow(connection, "object_versions", row.Bucket, row.Key, olderNull.VersionId);
        }

        InsertRow(connection, "objects", row);
        return (row, released);
    }

    /// <summary>Copies the current row, inline content included, into object_versions under <paramref name="versionId"/>.</summary>
    private static void Archive(SqliteConnection connection, ObjectInfo current, string versionId)
    {
        var columns = ObjectColumns.Replace("version_id", "$version", StringComparison.Ordinal);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT OR REPLACE INTO object_versions(bucket, {ObjectColumns}, inline_data)
            SELECT bucket, {columns}, inline_data FROM objects WHERE bucket = $bucket AND key = $key
            """;
        command.Parameters.AddWithValue("$bucket", current.Bucket);
        command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(current.Key));
        command.Parameters.AddWithValue("$version", versionId);
        command.ExecuteNonQuery();
    }

    /// <summary>Writes a row of objects (the current version) or object_versions (an older one); both have the same columns.</summary>
    private static void InsertRow(SqliteConnection connection, string table, ObjectInfo info)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT OR REPLACE INTO {table}(bucket, {ObjectColumns}, inline_data)
            VALUES($bucket, $key, $size, $etag, $modified, $headers, $calg, $cval, $blob, $upload, $parts, $ctype, $enc, $version, $null, $marker, $tags, $mode, $until, $hold, $inline)
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
        command.Parameters.AddWithValue("$version", (object?)info.VersionId ?? DBNull.Value);
        command.Parameters.AddWithValue("$null", info.IsNullVersion ? 1 : 0);
        command.Parameters.AddWithValue("$marker", info.IsDeleteMarker ? 1 : 0);
        command.Parameters.AddWithValue("$tags", TagsToDb(info.Tags));
        AddLockParameters(command, info.Retention, info.LegalHold);
        command.Parameters.AddWithValue("$inline", (object?)info.InlineData ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    private static void DeleteRow(SqliteConnection connection, string table, string bucket, string key, string? versionId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = versionId is null
            ? $"DELETE FROM {table} WHERE bucket = $bucket AND key = $key"
            : $"DELETE FROM {table} WHERE bucket = $bucket AND key = $key AND version_id = $version";
        command.Parameters.AddWithValue("$bucket", bucket);
        command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(key));
        if (versionId is not null)
        {
            command.Parameters.AddWithValue("$version", versionId);
        }

        command.ExecuteNonQuery();
    }

    /// <summary>The bucket's versioning; <see cref="StorageError.NoSuchBucket"/> when there is no such bucket.</summary>
    private static VersioningStatus? ReadVersioning(SqliteConnection connection, string bucket)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT versioning FROM buckets WHERE name = $name";
        command.Parameters.AddWithValue("$name", bucket);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new StorageException(StorageError.NoSuchBucket);
        }

        return ParseVersioning(reader, 0);
    }

    private static VersioningStatus? ParseVersioning(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : Enum.Parse<VersioningStatus>(reader.GetString(ordinal));

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

    private static ObjectInfo? ReadObject(SqliteConnection connection, string bucket, string key, bool includeInlineData) =>
        ReadRow(connection, "objects", bucket, key, null, includeInlineData, withVersioning: false);

    /// <summary>
    /// A row of objects or object_versions: with <paramref name="versionId"/> null the first in
    /// version order (the newest), "null" the null version, otherwise that version.
    /// </summary>
    private static ObjectInfo? ReadRow(SqliteConnection connection, string table, string bucket, string key, string? versionId, bool includeInlineData, bool withVersioning)
    {
        var filter = versionId switch
        {
            null => string.Empty,
            VersionIds.Null => " AND null_version = 1",
            _ => " AND version_id = $version AND null_version = 0",
        };
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {ObjectColumns}, {(includeInlineData ? "inline_data" : "NULL")}, {(withVersioning ? "(SELECT versioning FROM buckets WHERE name = $bucket)" : "NULL")}
            FROM {table} WHERE bucket = $bucket AND key = $key{filter} ORDER BY version_id LIMIT 1
            """;
        command.Parameters.AddWithValue("$bucket", bucket);
        command.Parameters.AddWithValue("$key", Encoding.UTF8.GetBytes(key));
        if (versionId is not null and not VersionIds.Null)
        {
            command.Parameters.AddWithValue("$version", versionId);
        }

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
            VersionId = reader.IsDBNull(12) ? null : reader.GetString(12),
            IsNullVersion = reader.GetInt64(13) != 0,
            IsDeleteMarker = reader.GetInt64(14) != 0,
            Tags = TagsFromDb(reader, 15),
            Retention = ReadRetention(reader, 16),
            LegalHold = reader.GetInt64(18) != 0,
            InlineData = includeInlineData && !reader.IsDBNull(19) ? (byte[])reader.GetValue(19) : null,
            BucketVersioning = withVersioning ? ParseVersioning(reader, 20) : null,
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
        Tags = TagsFromDb(reader, 8),
        Retention = ReadRetention(reader, 9),
        LegalHold = reader.GetInt64(11) != 0,
    };

    private static object TagsToDb(IReadOnlyList<KeyValuePair<string, string>> tags) =>
        tags.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(tags.ToList(), ObjectJsonContext.Default.ListKeyValuePairStringString);

    private static IReadOnlyList<KeyValuePair<string, string>> TagsFromDb(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : JsonSerializer.Deserialize(reader.GetString(ordinal), ObjectJsonContext.Default.ListKeyValuePairStringString) ?? [];

    private static BucketInfo ReadBucket(SqliteDataReader reader) =>
        new(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), reader.GetString(2), ParseVersioning(reader, 3));

    private sealed class RangeReader(SqliteDatabase database, string bucket) : IKeyRangeReader
    {
        public async Task<IReadOnlyList<ListEntry>> ReadAsync(byte[] from, byte[]? to, int limit, CancellationToken cancellationToken)
        {
            await using var connection = database.OpenRead();
            await using var command = connection.CreateCommand();
            command.CommandText = to is null
                ? "SELECT key, size, etag, last_modified FROM objects WHERE bucket = $bucket AND key >= $from AND delete_marker = 0 ORDER BY key LIMIT $limit"
                : "SELECT key, size, etag, last_modified FROM objects WHERE bucket = $bucket AND key >= $from AND key < $to AND delete_marker = 0 ORDER BY key LIMIT $limit";
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

    private sealed class VersionReader(SqliteDatabase database, string bucket) : IVersionRangeReader
    {
        public async Task<IReadOnlyList<VersionEntry>> ReadAsync(byte[] from, string? afterVersion, byte[]? to, int limit, CancellationToken cancellationToken)
        {
            await using var connection = database.OpenRead();
            var entries = new List<VersionEntry>(Math.Min(limit, 1000));
            if (afterVersion is not null)
            {
                // The rest of one key's versions, then the keys after it.
                Read(connection, "key = $from AND version_id > $after", from, afterVersion, null, limit, entries);
                if (entries.Count == limit)
                {
                    return entries;
                }

                from = KeyOrder.Successor(from);
            }

            Read(connection, to is null ? "key >= $from" : "key >= $from AND key < $to", from, null, to, limit - entries.Count, entries);
            return entries;
        }

        private void Read(SqliteConnection connection, string range, byte[] from, string? after, byte[]? to, int limit, List<VersionEntry> entries) =>
            ReadBothTables(connection, bucket, VersionEntryColumns, range, parameters =>
            {
                parameters.AddWithValue("$from", from);
                if (after is not null)
                {
                    parameters.AddWithValue("$after", after);
                }

                if (to is not null)
                {
                    parameters.AddWithValue("$to", to);
                }
            }, limit, reader => new VersionEntry(
                (byte[])reader.GetValue(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetInt64(2) != 0,
                reader.GetInt64(3) != 0,
                reader.GetInt64(9) != 0,
                reader.GetInt64(4),
                reader.GetString(5),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)), entries);
    }
}
