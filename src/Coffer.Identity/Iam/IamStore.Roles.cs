using Microsoft.Data.Sqlite;

namespace Coffer.Identity.Iam;

public sealed partial class IamStore
{
    public const int DefaultMaxSessionDuration = 3600;

    private const string RoleColumns = "id, name, path, arn, created_at, trust_policy, max_session_seconds, description";

    private static IamRole MapRole(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        Time(reader, 4),
        reader.GetString(5),
        reader.GetInt32(6),
        reader.IsDBNull(7) ? null : reader.GetString(7));

    /// <summary>Creates a role. Validate the trust policy first.</summary>
    public Task<IamRole> CreateRoleAsync(string name, string path, string trustPolicy, string? description, int maxSessionDuration, IReadOnlyList<KeyValuePair<string, string>> tags, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            if (Exists(connection, IamEntityKind.Role, name))
            {
                throw new IamException(IamError.EntityAlreadyExists, $"Role with name {name} already exists.");
            }

            var id = IdentityIds.New("AROA");
            Execute(
                connection,
                """
                INSERT INTO iam_roles(id, name, path, arn, trust_policy, max_session_seconds, description, created_at)
                VALUES($id, $name, $path, $arn, $trust, $max, $description, $at)
                """,
                ("$id", id),
                ("$name", name),
                ("$path", path),
                ("$arn", Arn(IamEntityKind.Role, path, name)),
                ("$trust", trustPolicy),
                ("$max", maxSessionDuration),
                ("$description", description),
                ("$at", Now()));
            WriteTags(connection, id, "role", tags);
            return GetRole(connection, name);
        }, cancellationToken);

    public Task<IamRole> GetRoleAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection => GetRole(connection, name)));

    /// <summary>
    /// The role named by its name or its ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME), with its tags
    /// and trust policy; null when there is none or the ARN names another account. For STS.
    /// </summary>
    public Task<IamRole?> FindRoleAsync(string nameOrArn, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection =>
        {
            using var command = nameOrArn.StartsWith("arn:", StringComparison.Ordinal)
                ? Sql(connection, $"SELECT {RoleColumns} FROM iam_roles WHERE arn = $key", ("$key", nameOrArn))
                : Sql(connection, $"SELECT {RoleColumns} FROM iam_roles WHERE name = $key", ("$key", nameOrArn));
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var role = MapRole(reader);
            return role with { Tags = ReadTags(connection, role.Id) };
        }));

    private static IamRole GetRole(SqliteConnection connection, string name)
    {
        using var command = Sql(connection, $"SELECT {RoleColumns} FROM iam_roles WHERE name = $name", ("$name", name));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new IamException(IamError.NoSuchEntity, $"The role with name {name} cannot be found.");
        }

        var role = MapRole(reader);
        return role with { Tags = ReadTags(connection, role.Id) };
    }

    public Task<Page<IamRole>> ListRolesAsync(string pathPrefix, string? marker, int maxItems, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection => ReadPage(
            connection,
            $"""
            SELECT {RoleColumns} FROM iam_roles
            WHERE substr(path, 1, length($prefix)) = $prefix AND ($marker IS NULL OR name > $marker)
            ORDER BY name LIMIT $limit
            """,
            marker,
            maxItems,
            MapRole,
            r => r.Name,
            ("$prefix", pathPrefix))));

    public Task UpdateRoleAsync(string name, string? description, int? maxSessionDuration, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (id, _, _) = Require(connection, IamEntityKind.Role, name);
            Execute(
                connection,
                "UPDATE iam_roles SET description = COALESCE($description, description), max_session_seconds = COALESCE($max, max_session_seconds) WHERE id = $id",
                ("$description", description),
                ("$max", maxSessionDuration),
                ("$id", id));
            return true;
        }, cancellationToken);

    /// <summary>Replaces the trust policy. Validate it first.</summary>
    public Task UpdateAssumeRolePolicyAsync(string name, string trustPolicy, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (id, _, _) = Require(connection, IamEntityKind.Role, name);
            Execute(connection, "UPDATE iam_roles SET trust_policy = $trust WHERE id = $id", ("$trust", trustPolicy), ("$id", id));
            return true;
        }, cancellationToken);

    public Task DeleteRoleAsync(string name, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (id, _, _) = Require(connection, IamEntityKind.Role, name);
            ThrowIfPolicies(connection, id);
            Execute(connection, "DELETE FROM iam_tags WHERE entity_id = $id", ("$id", id));
            Execute(connection, "DELETE FROM iam_roles WHERE id = $id", ("$id", id));
            return true;
        }, cancellationToken);
}
