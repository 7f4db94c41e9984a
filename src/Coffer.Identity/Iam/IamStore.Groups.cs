using Microsoft.Data.Sqlite;

namespace Coffer.Identity.Iam;

public sealed partial class IamStore
{
    private const string GroupColumns = "id, name, path, arn, created_at";

    private static IamGroup MapGroup(SqliteDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), Time(reader, 4));

    public Task<IamGroup> CreateGroupAsync(string name, string path, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            if (Exists(connection, IamEntityKind.Group, name))
            {
                throw new IamException(IamError.EntityAlreadyExists, $"Group with name {name} already exists.");
            }

            var group = new IamGroup(IdentityIds.New("AGPA"), name, path, Arn(IamEntityKind.Group, path, name), DateTimeOffset.FromUnixTimeMilliseconds(Now()));
            Execute(
                connection,
                "INSERT INTO iam_groups(id, name, path, arn, created_at) VALUES($id, $name, $path, $arn, $at)",
                ("$id", group.Id),
                ("$name", name),
                ("$path", path),
                ("$arn", group.Arn),
                ("$at", group.CreateDate.ToUnixTimeMilliseconds()));
            return group;
        }, cancellationToken);

    /// <summary>The group and one page of its members.</summary>
    public Task<(IamGroup Group, Page<IamUser> Users)> GetGroupAsync(string name, string? marker, int maxItems, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection =>
        {
            var group = RequireGroup(connection, name);
            var users = ReadPage(
                connection,
                $"""
                SELECT u.{UserColumns.Replace(", ", ", u.", StringComparison.Ordinal)} FROM iam_group_members m JOIN iam_users u ON u.id = m.user_id
                WHERE m.group_id = $group AND ($marker IS NULL OR u.name > $marker) ORDER BY u.name LIMIT $limit
                """,
                marker,
                maxItems,
                MapUser,
                u => u.Name,
                ("$group", group.Id));
            return (group, users);
        }));

    private static IamGroup RequireGroup(SqliteConnection connection, string name)
    {
        using var command = Sql(connection, $"SELECT {GroupColumns} FROM iam_groups WHERE name = $name", ("$name", name));
        using var reader = command.ExecuteReader();
        return reader.Read() ? MapGroup(reader) : throw new IamException(IamError.NoSuchEntity, $"The group with name {name} cannot be found.");
    }

    public Task<Page<IamGroup>> ListGroupsAsync(string pathPrefix, string? marker, int maxItems, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection => ReadPage(
            connection,
            $"""
            SELECT {GroupColumns} FROM iam_groups
            WHERE substr(path, 1, length($prefix)) = $prefix AND ($marker IS NULL OR name > $marker)
            ORDER BY name LIMIT $limit
            """,
            marker,
            maxItems,
            MapGroup,
            g => g.Name,
            ("$prefix", pathPrefix))));

    public Task<IReadOnlyList<IamGroup>> ListGroupsForUserAsync(string userName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<IamGroup>>(Read(connection =>
        {
            var (userId, _, _) = Require(connection, IamEntityKind.User, userName);
            using var command = Sql(
                connection,
                $"SELECT g.{GroupColumns.Replace(", ", ", g.", StringComparison.Ordinal)} FROM iam_group_members m JOIN iam_groups g ON g.id = m.group_id WHERE m.user_id = $user ORDER BY g.name",
                ("$user", userId));
            using var reader = command.ExecuteReader();
            var groups = new List<IamGroup>();
            while (reader.Read())
            {
                groups.Add(MapGroup(reader));
            }

            return groups;
        }));

    public Task DeleteGroupAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (id, _, _) = Require(connection, IamEntityKind.Group, name);
            if (Scalar(connection, "SELECT COUNT(*) FROM iam_group_members WHERE group_id = $id", ("$id", id)) > 0)
            {
                throw new IamException(IamError.DeleteConflict, "Cannot delete entity, must remove users from group first.");
            }

            ThrowIfPolicies(connection, id);
            Execute(connection, "DELETE FROM iam_groups WHERE id = $id", ("$id", id));
            return true;
        }, cancellationToken);

    private static void ThrowIfPolicies(SqliteConnection connection, string entityId)
    {
        if (Scalar(connection, "SELECT COUNT(*) FROM iam_inline_policies WHERE entity_id = $id", ("$id", entityId)) > 0)
        {
            throw new IamException(IamError.DeleteConflict, "Cannot delete entity, must delete policies first.");
        }

        if (Scalar(connection, "SELECT COUNT(*) FROM iam_attachments WHERE entity_id = $id", ("$id", entityId)) > 0)
        {
            throw new IamException(IamError.DeleteConflict, "Cannot delete entity, must detach all policies first.");
        }
    }

    public Task AddUserToGroupAsync(string groupName, string userName, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (groupId, _, _) = Require(connection, IamEntityKind.Group, groupName);
            var (userId, _, _) = Require(connection, IamEntityKind.User, userName);
            Execute(connection, "INSERT INTO iam_group_members(group_id, user_id) VALUES($g, $u) ON CONFLICT DO NOTHING", ("$g", groupId), ("$u", userId));
            if (Scalar(connection, "SELECT COUNT(*) FROM iam_group_members WHERE user_id = $u", ("$u", userId)) > MaxGroupsPerUser)
            {
                throw new IamException(IamError.LimitExceeded, $"Cannot exceed quota for GroupsPerUser: {MaxGroupsPerUser}");
            }

            return true;
        }, cancellationToken);

    public Task RemoveUserFromGroupAsync(string groupName, string userName, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (groupId, _, _) = Require(connection, IamEntityKind.Group, groupName);
            var (userId, _, _) = Require(connection, IamEntityKind.User, userName);
            using var command = Sql(connection, "DELETE FROM iam_group_members WHERE group_id = $g AND user_id = $u", ("$g", groupId), ("$u", userId));
            if (command.ExecuteNonQuery() == 0)
            {
                throw new IamException(IamError.NoSuchEntity, $"The user with name {userName} cannot be found.");
            }

            return true;
        }, cancellationToken);
}
