using Coffer.Identity.AccessKeys;
using Microsoft.Data.Sqlite;

namespace Coffer.Identity.Iam;

public sealed partial class IamStore
{
    private const string UserColumns = "id, name, path, arn, created_at";

    private static IamUser MapUser(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Time(reader, 4));

    public Task<IamUser> CreateUserAsync(string name, string path, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            if (Exists(connection, IamEntityKind.User, name))
            {
                throw new IamException(IamError.EntityAlreadyExists, $"User with name {name} already exists.");
            }

            CheckSchedules(tags);
            var user = new IamUser(IdentityIds.New("AIDA"), name, path, Arn(IamEntityKind.User, path, name), DateTimeOffset.FromUnixTimeMilliseconds(Now()));
            Execute(
                connection,
                "INSERT INTO iam_users(id, name, path, arn, created_at) VALUES($id, $name, $path, $arn, $at)",
                ("$id", user.Id),
                ("$name", name),
                ("$path", path),
                ("$arn", user.Arn),
                ("$at", user.CreateDate.ToUnixTimeMilliseconds()));
            WriteTags(connection, user.Id, "user", tags);
            return user with { Tags = ReadTags(connection, user.Id) };
        }, cancellationToken);

    /// <summary>The user with its tags; NoSuchEntity when there is none.</summary>
    public Task<IamUser> GetUserAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection => GetUser(connection, name)));

    /// <summary>The user with its tags, or null (for STS and authorisation, which must not throw on absence).</summary>
    public Task<IamUser?> FindUserAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection => Exists(connection, IamEntityKind.User, name) ? GetUser(connection, name) : null));

    private static IamUser GetUser(SqliteConnection connection, string name)
    {
        using var command = Sql(connection, $"SELECT {UserColumns} FROM iam_users WHERE name = $name", ("$name", name));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new IamException(IamError.NoSuchEntity, $"The user with name {name} cannot be found.");
        }

        var user = MapUser(reader);
        return user with { Tags = ReadTags(connection, user.Id) };
    }

    public Task<Page<IamUser>> ListUsersAsync(string pathPrefix, string? marker, int maxItems, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection => ReadPage(
            connection,
            $"""
            SELECT {UserColumns} FROM iam_users
            WHERE substr(path, 1, length($prefix)) = $prefix AND ($marker IS NULL OR name > $marker)
            ORDER BY name LIMIT $limit
            """,
            marker,
            maxItems,
            MapUser,
            u => u.Name,
            ("$prefix", pathPrefix))));

    public Task<IamUser> UpdateUserAsync(string name, string? newName, string? newPath, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var user = GetUser(connection, name);
            var targetName = newName ?? user.Name;
            var targetPath = newPath ?? user.Path;
            if (newName is not null && !newName.Equals(user.Name, StringComparison.OrdinalIgnoreCase) && Exists(connection, IamEntityKind.User, newName))
            {
                throw new IamException(IamError.EntityAlreadyExists, $"User with name {newName} already exists.");
            }

            var arn = Arn(IamEntityKind.User, targetPath, targetName);
            Execute(connection, "UPDATE iam_users SET name = $name, path = $path, arn = $arn WHERE id = $id", ("$name", targetName), ("$path", targetPath), ("$arn", arn), ("$id", user.Id));
            Execute(connection, "UPDATE access_keys SET principal_arn = $arn, principal_name = $name WHERE user_id = $id", ("$name", targetName), ("$arn", arn), ("$id", user.Id));
            return user with { Name = targetName, Path = targetPath, Arn = arn };
        }, cancellationToken);

    /// <summary>Deletes a user that has nothing left attached, checking in the order AWS reports.</summary>
    public Task DeleteUserAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (id, _, _) = Require(connection, IamEntityKind.User, name);
            if (Scalar(connection, "SELECT COUNT(*) FROM access_keys WHERE user_id = $id", ("$id", id)) > 0)
            {
                throw new IamException(IamError.DeleteConflict, "Cannot delete entity, must delete access keys first.");
            }

            if (Scalar(connection, "SELECT COUNT(*) FROM iam_inline_policies WHERE entity_id = $id", ("$id", id)) > 0)
            {
                throw new IamException(IamError.DeleteConflict, "Cannot delete entity, must delete policies first.");
            }

            if (Scalar(connection, "SELECT COUNT(*) FROM iam_attachments WHERE entity_id = $id", ("$id", id)) > 0)
            {
                throw new IamException(IamError.DeleteConflict, "Cannot delete entity, must detach all policies first.");
            }

            if (Scalar(connection, "SELECT COUNT(*) FROM iam_group_members WHERE user_id = $id", ("$id", id)) > 0)
            {
                throw new IamException(IamError.DeleteConflict, "Cannot delete entity, must remove users from group first.");
            }

            Execute(connection, "DELETE FROM iam_tags WHERE entity_id = $id", ("$id", id));
            Execute(connection, "DELETE FROM iam_users WHERE id = $id", ("$id", id));
            return true;
        }, cancellationToken);

    public Task TagAsync(IamEntityKind kind, string name, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (id, _, _) = Require(connection, kind, name);
            if (kind == IamEntityKind.User)
            {
                CheckSchedules(tags);
                SettleDeactivations(connection, id);
            }

            WriteTags(connection, id, KindWord(kind), tags);
            return true;
        }, cancellationToken);

    public Task UntagAsync(IamEntityKind kind, string name, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (id, _, _) = Require(connection, kind, name);
            if (kind == IamEntityKind.User)
            {
                SettleDeactivations(connection, id);
            }

            RemoveTags(connection, id, keys);
            return true;
        }, cancellationToken);

    /// <summary>A schedule whose time cannot be read would silently never happen: refuse it.</summary>
    private static void CheckSchedules(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        foreach (var (key, value) in tags)
        {
            if (ScheduledDeactivation.IsScheduleTag(key, out _) && !ScheduledDeactivation.TryParse(value, out _))
            {
                throw new IamException(IamError.InvalidInput, $"The value of tag {key} must be a time in ISO 8601 with its zone, such as 2026-01-31T12:00:00Z.");
            }
        }
    }

    /// <summary>
    /// Makes the deactivations whose time has passed permanent before the user's tags change, so
    /// that removing or rewriting a schedule tag afterwards cannot bring the key back.
    /// </summary>
    private void SettleDeactivations(SqliteConnection connection, string userId)
    {
        var now = _time.GetUtcNow();
        foreach (var (accessKeyId, at) in ScheduledDeactivation.All(ReadTags(connection, userId)))
        {
            if (at <= now)
            {
                Execute(connection, "UPDATE access_keys SET status = 'Inactive' WHERE access_key_id = $key AND user_id = $user", ("$key", accessKeyId), ("$user", userId));
            }
        }
    }

    /// <summary>An explicit status change or deletion of a key replaces whatever was scheduled for it.</summary>
    private static void CancelDeactivation(SqliteConnection connection, string userId, string accessKeyId) =>
        Execute(connection, "DELETE FROM iam_tags WHERE entity_id = $id AND key = $key", ("$id", userId), ("$key", ScheduledDeactivation.TagKey(accessKeyId)));

    public Task<IReadOnlyList<KeyValuePair<string, string>>> ListTagsAsync(IamEntityKind kind, string name, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<KeyValuePair<string, string>>>(Read(connection => ReadTags(connection, Require(connection, kind, name).Id)));

    /// <summary>A new key for the user. The secret is returned only here; the store keeps it sealed.</summary>
    public Task<(AccessKeyInfo Key, string Secret)> CreateAccessKeyAsync(string userName, CancellationToken cancellationToken)
    {
        var accessKeyId = IdentityIds.New("AKIA");
        var secret = IdentityIds.NewSecret();
        var sealedSecret = _keys.Seal(accessKeyId, secret);
        return WriteAsync(connection =>
        {
            var (userId, name, arn) = Require(connection, IamEntityKind.User, userName);
            if (Scalar(connection, "SELECT COUNT(*) FROM access_keys WHERE user_id = $id", ("$id", userId)) >= MaxAccessKeysPerUser)
            {
                throw new IamException(IamError.LimitExceeded, $"Cannot exceed quota for AccessKeysPerUser: {MaxAccessKeysPerUser}");
            }

            var now = Now();
            Execute(
                connection,
                """
                INSERT INTO access_keys(access_key_id, secret_sealed, principal_arn, principal_name, is_root, status, created_at, user_id)
                VALUES($key, $secret, $arn, $name, 0, 'Active', $at, $user)
                """,
                ("$key", accessKeyId),
                ("$secret", sealedSecret),
                ("$arn", arn),
                ("$name", name),
                ("$at", now),
                ("$user", userId));
            return (new AccessKeyInfo(name, accessKeyId, true, DateTimeOffset.FromUnixTimeMilliseconds(now)), secret);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<AccessKeyInfo>> ListAccessKeysAsync(string userName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AccessKeyInfo>>(Read(connection =>
        {
            var (userId, name, _) = Require(connection, IamEntityKind.User, userName);
            var schedule = ScheduledDeactivation.All(ReadTags(connection, userId));
            var now = _time.GetUtcNow();
            using var command = Sql(connection, "SELECT access_key_id, status, created_at FROM access_keys WHERE user_id = $id ORDER BY created_at", ("$id", userId));
            using var reader = command.ExecuteReader();
            var keys = new List<AccessKeyInfo>();
            while (reader.Read())
            {
                var accessKeyId = reader.GetString(0);
                var active = ScheduledDeactivation.IsActive(reader.GetString(1) == "Active", schedule.TryGetValue(accessKeyId, out var at) ? at : null, now);
                keys.Add(new AccessKeyInfo(name, accessKeyId, active, Time(reader, 2)));
            }

            return keys;
        }));

    public Task UpdateAccessKeyAsync(string userName, string accessKeyId, bool active, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (userId, _, _) = Require(connection, IamEntityKind.User, userName);
            using var command = Sql(connection, "UPDATE access_keys SET status = $status WHERE access_key_id = $key AND user_id = $user", ("$status", active ? "Active" : "Inactive"), ("$key", accessKeyId), ("$user", userId));
            if (command.ExecuteNonQuery() == 0)
            {
                throw new IamException(IamError.NoSuchEntity, $"The Access Key with id {accessKeyId} cannot be found.");
            }

            CancelDeactivation(connection, userId, accessKeyId);
            return true;
        }, cancellationToken);

    public Task DeleteAccessKeyAsync(string userName, string accessKeyId, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (userId, _, _) = Require(connection, IamEntityKind.User, userName);
            using var command = Sql(connection, "DELETE FROM access_keys WHERE access_key_id = $key AND user_id = $user", ("$key", accessKeyId), ("$user", userId));
            if (command.ExecuteNonQuery() == 0)
            {
                throw new IamException(IamError.NoSuchEntity, $"The Access Key with id {accessKeyId} cannot be found.");
            }

            CancelDeactivation(connection, userId, accessKeyId);
            return true;
        }, cancellationToken);

    /// <summary>The key's user (null for a root key) and its last use, or null when the key does not exist.</summary>
    public Task<(IamUser? User, AccessKeyUse? LastUsed)?> GetAccessKeyLastUsedAsync(string accessKeyId, CancellationToken cancellationToken) =>
        Task.FromResult(Read<(IamUser?, AccessKeyUse?)?>(connection =>
        {
            using var command = Sql(
                connection,
                $"""
                SELECT k.last_used_at, k.last_used_service, k.last_used_region, u.{UserColumns.Replace(", ", ", u.", StringComparison.Ordinal)}
                FROM access_keys k LEFT JOIN iam_users u ON u.id = k.user_id WHERE k.access_key_id = $key
                """,
                ("$key", accessKeyId));
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var stored = reader.IsDBNull(0) ? null : new AccessKeyUse(Time(reader, 0), reader.GetString(1), reader.GetString(2));
            var user = reader.IsDBNull(3) ? null : new IamUser(reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), Time(reader, 7));
            return (user, _keys.PendingUse(accessKeyId) ?? stored);
        }));
}
