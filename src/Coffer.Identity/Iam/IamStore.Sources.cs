using Coffer.Policy;
using Microsoft.Data.Sqlite;

namespace Coffer.Identity.Iam;

public sealed partial class IamStore
{
    /// <summary>
    /// The identity policies of a user (its own and its groups'), a group or a role, compiled:
    /// inline ones named "user/NAME/POLICY", managed ones by ARN at their default version.
    /// Empty when the entity does not exist.
    /// </summary>
    public Task<IReadOnlyList<PolicySource>> PoliciesOfAsync(IamEntityKind kind, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection =>
        {
            using var command = Sql(connection, $"SELECT id FROM {Table(kind)} WHERE name = $name", ("$name", name));
            return command.ExecuteScalar() is string id ? Sources(connection, kind, id) : [];
        }));

    /// <summary>As <see cref="PoliciesOfAsync"/>, for a user by its AIDA… id.</summary>
    public Task<IReadOnlyList<PolicySource>> PoliciesOfUserIdAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection => Sources(connection, IamEntityKind.User, userId)));

    private static IReadOnlyList<PolicySource> Sources(SqliteConnection connection, IamEntityKind kind, string entityId)
    {
        var texts = new List<(string Id, PolicySourceType Type, string Document)>();
        AddEntity(connection, kind, entityId, texts);
        if (kind == IamEntityKind.User)
        {
            using var groups = Sql(connection, "SELECT group_id FROM iam_group_members WHERE user_id = $id", ("$id", entityId));
            using var reader = groups.ExecuteReader();
            var groupIds = new List<string>();
            while (reader.Read())
            {
                groupIds.Add(reader.GetString(0));
            }

            foreach (var groupId in groupIds)
            {
                AddEntity(connection, IamEntityKind.Group, groupId, texts);
            }
        }

        return texts.Select(t => new PolicySource(t.Id, t.Type, PolicyCache.Get(t.Document, PolicyKind.Identity))).ToList();
    }

    private static void AddEntity(SqliteConnection connection, IamEntityKind kind, string entityId, List<(string, PolicySourceType, string)> texts)
    {
        var type = kind switch
        {
            IamEntityKind.User => PolicySourceType.User,
            IamEntityKind.Group => PolicySourceType.Group,
            _ => PolicySourceType.Role,
        };
        using (var inline = Sql(
            connection,
            $"SELECT e.name, i.name, i.document FROM iam_inline_policies i JOIN {Table(kind)} e ON e.id = i.entity_id WHERE i.entity_id = $id ORDER BY i.name",
            ("$id", entityId)))
        using (var reader = inline.ExecuteReader())
        {
            while (reader.Read())
            {
                texts.Add(($"{KindWord(kind)}/{reader.GetString(0)}/{reader.GetString(1)}", type, reader.GetString(2)));
            }
        }

        using var attached = Sql(
            connection,
            """
            SELECT p.arn, v.document FROM iam_attachments a
            JOIN iam_policies p ON p.id = a.policy_id
            JOIN iam_policy_versions v ON v.policy_id = p.id AND v.version_id = p.default_version
            WHERE a.entity_id = $id ORDER BY p.name
            """,
            ("$id", entityId));
        using var managed = attached.ExecuteReader();
        while (managed.Read())
        {
            texts.Add((managed.GetString(0), PolicySourceType.UserManaged, managed.GetString(1)));
        }
    }
}
