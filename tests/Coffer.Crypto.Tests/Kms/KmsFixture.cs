using Coffer.Crypto.Kms;
using Coffer.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Coffer.Crypto.Tests.Kms;

/// <summary>A KMS over a fresh database in a temporary directory, with a clock the test moves.</summary>
internal sealed class KmsFixture : IAsyncDisposable
{
    public const string Region = "eu-west-1";
    public const string Account = "123456789012";

    private KmsFixture(string directory, SqliteDatabase database, MasterKey masterKey)
    {
        Directory = directory;
        Database = database;
        MasterKey = masterKey;
        Service = new KeyManagementService(database, masterKey, new KmsOptions { Region = Region, AccountId = Account }, Time);
    }

    public string Directory { get; }

    public SqliteDatabase Database { get; }

    public MasterKey MasterKey { get; }

    public ManualTime Time { get; } = new(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));

    public KeyManagementService Service { get; }

    public IDataKeyService DataKeys => Service;

    public static KmsFixture Create()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("coffer-kms-").FullName;
        return new KmsFixture(directory, SqliteDatabase.Open(Path.Combine(directory, "metadata.db")), MasterKey.Generate());
    }

    public static Dictionary<string, string> Context(params (string Key, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    public async Task<string> CreateKeyAsync(string description = "test key") =>
        (await Service.CreateKeyAsync(description, CancellationToken.None)).KeyId;

    public async Task<byte[]> EncryptAsync(string keyId, string text, Dictionary<string, string>? context = null) =>
        (await Service.EncryptAsync(keyId, System.Text.Encoding.UTF8.GetBytes(text), context, CancellationToken.None)).CiphertextBlob!;

    public async Task<string> DecryptAsync(byte[] blob, Dictionary<string, string>? context = null, string? keyId = null) =>
        System.Text.Encoding.UTF8.GetString((await Service.DecryptAsync(blob, context, keyId, CancellationToken.None)).Plaintext!);

    /// <summary>A scalar straight from the database, to see what is stored.</summary>
    public object? Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Database.OpenRead();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteScalar();
    }

    public static async Task<KmsException> FailsAsync(KmsErrorCode code, Func<Task> action)
    {
        var error = await Assert.ThrowsAsync<KmsException>(action);
        Assert.True(error.Code == code, $"expected {code}, got {error.Code}: {error.Message}");
        return error;
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        MasterKey.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
