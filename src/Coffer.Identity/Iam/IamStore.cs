using Coffer.Identity.AccessKeys;
using Coffer.Policy;
using Coffer.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Coffer.Identity.Iam;

/// <summary>
/// IAM's users, groups, roles, managed and inline policies, and users' access keys, in the
/// metadata database. Every check that decides a write (existence, limits, delete conflicts)
/// runs inside that write's transaction. Every write bumps <see cref="IdentityGeneration"/>.
/// </summary>
public sealed partial class IamStore
{
    public const int MaxTagsPerEntity = 50;
    public const int MaxAccessKeysPerUser = 2;
    public const int MaxPolicyVersions = 5;
    public const int MaxManagedPoliciesPerEntity = 10;
    public const int MaxGroupsPerUser = 10;

    private readonly SqliteDatabase _database;
    private readonly AccessKeyStore _keys;
    private readonly TimeProvider _time;

    public IamStore(SqliteDatabase database, AccessKeyStore keys, TimeProvider time, string accountId)
    {
        _database = database;
        _keys = keys;
        _time = time;
        AccountId = accountId;
    }

    public string AccountId { get; }

    public IdentityGeneration Generation => _keys.Generation;

    public string Arn(IamEntityKind kind, string path, string name) =>
        $"arn:aws:iam::{AccountId}:{KindWord(kind)}{path}{name}";

    public string PolicyArn(string path, string name) => $"arn:aws:iam::{AccountId}:policy{path}{name}";

    private static string KindWord(IamEntityKind kind) => kind switch
    {
        IamEntityKind.User => "user",
        IamEntityKind.Group => "group",
        _ => "role",
    };

    private static string Table(IamEntityKind kind) => kind switch
    {
        IamEntityKind.User => "iam_users",
        IamEntityKind.Group => "iam_groups",
        _ => "iam_roles",
    };

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static DateTimeOffset Time(SqliteDataReader reader, int ordinal) => DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    private T Read<T>(Func<SqliteConnection, T> work)
    {
        using var connection = _database.OpenRead();
        return work(connection);
    }

    private async Task<T> WriteAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken)
    {
        try
        {
            return await _database.WriteAsync(work, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // After the commit, so a reader that cached the old state is judged stale.
            Generation.Bump();
        }
    }

    private static SqliteCommand Sql(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static long Scalar(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Sql(connection, sql, parameters);
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Sql(connection, sql, parameters);
        command.ExecuteNonQuery();
    }

    /// <summary>The entity's id, exact name and ARN, or NoSuchEntity as AWS words it.</summary>
    private static (string Id, string Name, string Arn) Require(SqliteConnection connection, IamEntityKind kind, string name)
    {
        using var command = Sql(connection, $"SELECT id, name, arn FROM {Table(kind)} WHERE name = $name", ("$name", name));
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new IamException(IamError.NoSuchEntity, $"The {KindWord(kind)} with name {name} cannot be found.");
        }

        return (reader.GetString(0), reader.GetString(1), reader.GetString(2));
    }

    /// <summary>The entity's ARN and tags, or null when it does not exist (for authorising requests that name it).</summary>
    public Task<(string Arn, IReadOnlyList<KeyValuePair<string, string>> Tags)?> FindEntityAsync(IamEntityKind kind, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Read<(string, IReadOnlyList<KeyValuePair<string, string>>)?>(connection =>
        {
            using var command = Sql(connection, $"SELECT id, arn FROM {Table(kind)} WHERE name = $name", ("$name", name));
            using var reader = command.ExecuteReader();
            return reader.Read() ? (reader.GetString(1), ReadTags(connection, reader.GetString(0))) : null;
        }));

    private static bool Exists(SqliteConnection connection, IamEntityKind kind, string name) =>
        Scalar(connection, $"SELECT COUNT(*) FROM {Table(kind)} WHERE name = $name", ("$name", name)) > 0;

    /// <summary>One page ordered by name, case-insensitively, as IAM lists; the marker is the last name returned.</summary>
    private static Page<T> ReadPage<T>(SqliteConnection connection, string sql, string? marker, int maxItems, Func<SqliteDataReader, T> map, Func<T, string> nameOf, params (string Name, object? Value)[] parameters)
    {
        var all = parameters.Concat([("$marker", (object?)marker), ("$limit", (object?)(maxItems + 1))]).ToArray();
        using var command = Sql(connection, sql, all);
        using var reader = command.ExecuteReader();
        var items = new List<T>();
        while (reader.Read())
        {
            items.Add(map(reader));
        }

        if (items.Count <= maxItems)
        {
            return new Page<T>(items, false, null);
        }

        items.RemoveAt(items.Count - 1);
        return new Page<T>(items, true, nameOf(items[^1]));
    }

    private static List<KeyValuePair<string, string>> ReadTags(SqliteConnection connection, string entityId)
    {
        using var command = Sql(connection, "SELECT key, value FROM iam_tags WHERE entity_id = $id ORDER BY position", ("$id", entityId));
        using var reader = command.ExecuteReader();
        var tags = new List<KeyValuePair<string, string>>();
        while (reader.Read())
        {
            tags.Add(new(reader.GetString(0), reader.GetString(1)));
        }

        return tags;
    }

    /// <summary>Adds or overwrites tags (keys compare case-insensitively, as in IAM).</summary>
    private static void WriteTags(SqliteConnection connection, string entityId, string kindWord, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        foreach (var (key, value) in tags)
        {
            Execute(
                connection,
                """
                INSERT INTO iam_tags(entity_id, key, value, position)
                VALUES($id, $key, $value, (SELECT COALESCE(MAX(position), 0) + 1 FROM iam_tags WHERE entity_id = $id))
                ON CONFLICT(entity_id, key) DO UPDATE SET value = $value
                """,
                ("$id", entityId),
                ("$key", key),
                ("$value", value));
        }

        if (Scalar(connection, "SELECT COUNT(*) FROM iam_tags WHERE entity_id = $id", ("$id", entityId)) > MaxTagsPerEntity)
        {
            throw new IamException(IamError.LimitExceeded, $"Cannot exceed quota for TagsPer{char.ToUpperInvariant(kindWord[0])}{kindWord[1..]}: {MaxTagsPerEntity}");
        }
    }

    private static void RemoveTags(SqliteConnection connection, string entityId, IEnumerable<string> keys)
    {
        foreach (var key in keys)
        {
            Execute(connection, "DELETE FROM iam_tags WHERE entity_id = $id AND key = $key", ("$id", entityId), ("$key", key));
        }
    }

    /// <summary>Checks a policy's size (IAM does not count whitespace) and grammar.</summary>
    public static PolicyDocument ValidatePolicy(string document, PolicyKind kind, int limit, string limitMessage, IamError limitError = IamError.LimitExceeded)
    {
        var counted = 0;
        foreach (var c in document)
        {
            if (!char.IsWhiteSpace(c))
            {
                counted++;
            }
        }

        if (counted > limit)
        {
            throw new IamException(limitError, limitMessage);
        }

        try
        {
            return PolicyDocument.Parse(document, kind);
        }
        catch (MalformedPolicyException e)
        {
            throw new IamException(IamError.MalformedPolicyDocument, e.Message);
        }
    }
}
