using Microsoft.Data.Sqlite;

namespace Coffer.Identity.Iam;

public sealed partial class IamStore
{
    private const string PolicyColumns =
        "p.id, p.name, p.path, p.arn, p.default_version, (SELECT COUNT(*) FROM iam_attachments a WHERE a.policy_id = p.id), p.description, p.created_at, p.updated_at";

    private static ManagedPolicy MapPolicy(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetInt32(5),
        reader.IsDBNull(6) ? null : reader.GetString(6),
        Time(reader, 7),
        Time(reader, 8));

    private static ManagedPolicy RequirePolicy(SqliteConnection connection, string arn)
    {
        using var command = Sql(connection, $"SELECT {PolicyColumns} FROM iam_policies p WHERE p.arn = $arn", ("$arn", arn));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new IamException(IamError.NoSuchEntity, $"Policy {arn} does not exist or is not attachable.");
        }

        return MapPolicy(reader);
    }

    /// <summary>Creates a customer managed policy with version v1 as its default. Validate the document first.</summary>
    public Task<ManagedPolicy> CreatePolicyAsync(string name, string path, string document, string? description, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            if (Scalar(connection, "SELECT COUNT(*) FROM iam_policies WHERE name = $name", ("$name", name)) > 0)
            {
                throw new IamException(IamError.EntityAlreadyExists, $"A policy called {name} already exists. Duplicate names are not allowed.");
            }

            var id = IdentityIds.New("ANPA");
            var arn = PolicyArn(path, name);
            var now = Now();
            Execute(
                connection,
                """
                INSERT INTO iam_policies(id, name, path, arn, description, default_version, next_version, created_at, updated_at)
                VALUES($id, $name, $path, $arn, $description, 'v1', 2, $at, $at)
                """,
                ("$id", id),
                ("$name", name),
                ("$path", path),
                ("$arn", arn),
                ("$description", description),
                ("$at", now));
            Execute(connection, "INSERT INTO iam_policy_versions(policy_id, version_id, document, created_at) VALUES($id, 'v1', $doc, $at)", ("$id", id), ("$doc", document), ("$at", now));
            return RequirePolicy(connection, arn);
        }, cancellationToken);

    public Task<ManagedPolicy> GetPolicyAsync(string arn, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection => RequirePolicy(connection, arn)));

    public Task<PolicyVersion> GetPolicyVersionAsync(string arn, string versionId, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection =>
        {
            var policy = RequirePolicy(connection, arn);
            return ReadVersions(connection, policy).FirstOrDefault(v => v.VersionId == versionId)
                ?? throw new IamException(IamError.NoSuchEntity, $"Policy {arn} version {versionId} does not exist or is not attachable.");
        }));

    public Task<IReadOnlyList<PolicyVersion>> ListPolicyVersionsAsync(string arn, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection => ReadVersions(connection, RequirePolicy(connection, arn))));

    private static IReadOnlyList<PolicyVersion> ReadVersions(SqliteConnection connection, ManagedPolicy policy)
    {
        using var command = Sql(connection, "SELECT version_id, document, created_at FROM iam_policy_versions WHERE policy_id = $id ORDER BY created_at DESC, version_id DESC", ("$id", policy.Id));
        using var reader = command.ExecuteReader();
        var versions = new List<PolicyVersion>();
        while (reader.Read())
        {
            var versionId = reader.GetString(0);
            versions.Add(new PolicyVersion(versionId, reader.GetString(1), versionId == policy.DefaultVersionId, Time(reader, 2)));
        }

        return versions;
    }

    /// <summary>Customer managed policies (there are no AWS managed ones here), optionally only attached ones.</summary>
    public Task<Page<ManagedPolicy>> ListPoliciesAsync(bool onlyAttached, string pathPrefix, string? marker, int maxItems, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection => ReadPage(
            connection,
            $"""
            SELECT {PolicyColumns} FROM iam_policies p
            WHERE substr(p.path, 1, length($prefix)) = $prefix AND ($marker IS NULL OR p.name > $marker)
              AND ($attached = 0 OR EXISTS (SELECT 1 FROM iam_attachments a WHERE a.policy_id = p.id))
            ORDER BY p.name LIMIT $limit
            """,
            marker,
            maxItems,
            MapPolicy,
            p => p.Name,
            ("$prefix", pathPrefix),
            ("$attached", onlyAttached ? 1 : 0))));

    public Task<PolicyVersion> CreatePolicyVersionAsync(string arn, string document, bool setAsDefault, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var policy = RequirePolicy(connection, arn);
            if (Scalar(connection, "SELECT COUNT(*) FROM iam_policy_versions WHERE policy_id = $id", ("$id", policy.Id)) >= MaxPolicyVersions)
            {
                throw new IamException(IamError.LimitExceeded, $"A managed policy can have up to {MaxPolicyVersions} versions. Before you create a new version, you must delete an existing version.");
            }

            var number = Scalar(connection, "SELECT next_version FROM iam_policies WHERE id = $id", ("$id", policy.Id));
            var versionId = "v" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var now = Now();
            Execute(connection, "INSERT INTO iam_policy_versions(policy_id, version_id, document, created_at) VALUES($id, $v, $doc, $at)", ("$id", policy.Id), ("$v", versionId), ("$doc", document), ("$at", now));
            Execute(
                connection,
                "UPDATE iam_policies SET next_version = next_version + 1, updated_at = $at, default_version = CASE WHEN $default = 1 THEN $v ELSE default_version END WHERE id = $id",
                ("$id", policy.Id),
                ("$v", versionId),
                ("$at", now),
                ("$default", setAsDefault ? 1 : 0));
            return new PolicyVersion(versionId, document, setAsDefault, DateTimeOffset.FromUnixTimeMilliseconds(now));
        }, cancellationToken);

    public Task SetDefaultPolicyVersionAsync(string arn, string versionId, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var policy = RequireVersion(connection, arn, versionId);
            Execute(connection, "UPDATE iam_policies SET default_version = $v, updated_at = $at WHERE id = $id", ("$v", versionId), ("$at", Now()), ("$id", policy.Id));
            return true;
        }, cancellationToken);

    public Task DeletePolicyVersionAsync(string arn, string versionId, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var policy = RequireVersion(connection, arn, versionId);
            if (policy.DefaultVersionId == versionId)
            {
                throw new IamException(IamError.DeleteConflict, "Cannot delete the default version of a policy.");
            }

            Execute(connection, "DELETE FROM iam_policy_versions WHERE policy_id = $id AND version_id = $v", ("$id", policy.Id), ("$v", versionId));
            return true;
        }, cancellationToken);

    private static ManagedPolicy RequireVersion(SqliteConnection connection, string arn, string versionId)
    {
        var policy = RequirePolicy(connection, arn);
        if (Scalar(connection, "SELECT COUNT(*) FROM iam_policy_versions WHERE policy_id = $id AND version_id = $v", ("$id", policy.Id), ("$v", versionId)) == 0)
        {
            throw new IamException(IamError.NoSuchEntity, $"Policy {arn} version {versionId} does not exist or is not attachable.");
        }

        return policy;
    }

    public Task DeletePolicyAsync(string arn, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var policy = RequirePolicy(connection, arn);
            if (policy.AttachmentCount > 0)
            {
                throw new IamException(IamError.DeleteConflict, "Cannot delete a policy attached to entities.");
            }

            if (Scalar(connection, "SELECT COUNT(*) FROM iam_policy_versions WHERE policy_id = $id", ("$id", policy.Id)) > 1)
            {
                throw new IamException(IamError.DeleteConflict, "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
            }

            Execute(connection, "DELETE FROM iam_tags WHERE entity_id = $id", ("$id", policy.Id));
            Execute(connection, "DELETE FROM iam_policies WHERE id = $id", ("$id", policy.Id));
            return true;
        }, cancellationToken);

    public Task<PolicyEntities> ListEntitiesForPolicyAsync(string arn, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection =>
        {
            var policy = RequirePolicy(connection, arn);
            List<(string, string)> Attached(IamEntityKind kind)
            {
                using var command = Sql(connection, $"SELECT e.name, e.id FROM iam_attachments a JOIN {Table(kind)} e ON e.id = a.entity_id WHERE a.policy_id = $id ORDER BY e.name", ("$id", policy.Id));
                using var reader = command.ExecuteReader();
                var list = new List<(string, string)>();
                while (reader.Read())
                {
                    list.Add((reader.GetString(0), reader.GetString(1)));
                }

                return list;
            }

            return new PolicyEntities(Attached(IamEntityKind.Group), Attached(IamEntityKind.User), Attached(IamEntityKind.Role));
        }));

    public Task AttachPolicyAsync(IamEntityKind kind, string entityName, string policyArn, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (entityId, _, _) = Require(connection, kind, entityName);
            var policy = RequirePolicy(connection, policyArn);
            Execute(connection, "INSERT INTO iam_attachments(entity_id, policy_id) VALUES($e, $p) ON CONFLICT DO NOTHING", ("$e", entityId), ("$p", policy.Id));
            if (Scalar(connection, "SELECT COUNT(*) FROM iam_attachments WHERE entity_id = $e", ("$e", entityId)) > MaxManagedPoliciesPerEntity)
            {
                var word = KindWord(kind);
                throw new IamException(IamError.LimitExceeded, $"Cannot exceed quota for PoliciesPer{char.ToUpperInvariant(word[0])}{word[1..]}: {MaxManagedPoliciesPerEntity}");
            }

            return true;
        }, cancellationToken);

    public Task DetachPolicyAsync(IamEntityKind kind, string entityName, string policyArn, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (entityId, _, _) = Require(connection, kind, entityName);
            var policy = RequirePolicy(connection, policyArn);
            using var command = Sql(connection, "DELETE FROM iam_attachments WHERE entity_id = $e AND policy_id = $p", ("$e", entityId), ("$p", policy.Id));
            if (command.ExecuteNonQuery() == 0)
            {
                throw new IamException(IamError.NoSuchEntity, $"Policy {policyArn} was not found.");
            }

            return true;
        }, cancellationToken);

    public Task<IReadOnlyList<AttachedPolicy>> ListAttachedPoliciesAsync(IamEntityKind kind, string entityName, string pathPrefix, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<AttachedPolicy>>(Read(connection =>
        {
            var (entityId, _, _) = Require(connection, kind, entityName);
            using var command = Sql(
                connection,
                "SELECT p.name, p.arn FROM iam_attachments a JOIN iam_policies p ON p.id = a.policy_id WHERE a.entity_id = $e AND substr(p.path, 1, length($prefix)) = $prefix ORDER BY p.name",
                ("$e", entityId),
                ("$prefix", pathPrefix));
            using var reader = command.ExecuteReader();
            var list = new List<AttachedPolicy>();
            while (reader.Read())
            {
                list.Add(new AttachedPolicy(reader.GetString(0), reader.GetString(1)));
            }

            return list;
        }));

    /// <summary>Creates or replaces an inline policy. Validate the document first.</summary>
    public Task PutInlinePolicyAsync(IamEntityKind kind, string entityName, string policyName, string document, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (entityId, _, _) = Require(connection, kind, entityName);
            Execute(
                connection,
                "INSERT INTO iam_inline_policies(entity_id, name, document) VALUES($e, $n, $d) ON CONFLICT(entity_id, name) DO UPDATE SET document = $d",
                ("$e", entityId),
                ("$n", policyName),
                ("$d", document));
            return true;
        }, cancellationToken);

    /// <summary>The entity's exact name, the policy's stored name and its document.</summary>
    public Task<(string EntityName, string PolicyName, string Document)> GetInlinePolicyAsync(IamEntityKind kind, string entityName, string policyName, CancellationToken cancellationToken) =>
        Task.FromResult(Read(connection =>
        {
            var (entityId, name, _) = Require(connection, kind, entityName);
            using var command = Sql(connection, "SELECT name, document FROM iam_inline_policies WHERE entity_id = $e AND name = $n", ("$e", entityId), ("$n", policyName));
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                throw new IamException(IamError.NoSuchEntity, $"The {KindWord(kind)} policy with name {policyName} cannot be found.");
            }

            return (name, reader.GetString(0), reader.GetString(1));
        }));

    public Task<IReadOnlyList<string>> ListInlinePoliciesAsync(IamEntityKind kind, string entityName, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(Read(connection =>
        {
            var (entityId, _, _) = Require(connection, kind, entityName);
            using var command = Sql(connection, "SELECT name FROM iam_inline_policies WHERE entity_id = $e ORDER BY name", ("$e", entityId));
            using var reader = command.ExecuteReader();
            var names = new List<string>();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }));

    public Task DeleteInlinePolicyAsync(IamEntityKind kind, string entityName, string policyName, CancellationToken cancellationToken) =>
        WriteAsync(connection =>
        {
            var (entityId, _, _) = Require(connection, kind, entityName);
            using var command = Sql(connection, "DELETE FROM iam_inline_policies WHERE entity_id = $e AND name = $n", ("$e", entityId), ("$n", policyName));
            if (command.ExecuteNonQuery() == 0)
            {
                throw new IamException(IamError.NoSuchEntity, $"The {KindWord(kind)} policy with name {policyName} cannot be found.");
            }

            return true;
        }, cancellationToken);
}
