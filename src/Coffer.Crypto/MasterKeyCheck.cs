using System.Security.Cryptography;
using Coffer.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Coffer.Crypto;

/// <summary>
/// A random value sealed under the master key, so that a start with the wrong key is refused
/// before anything is read, written or sealed under it.
/// </summary>
public sealed class MasterKeyCheck
{
    private static readonly byte[] AssociatedData = "coffer:master-key-check"u8.ToArray();

    private readonly SqliteDatabase _database;

    public MasterKeyCheck(SqliteDatabase database)
    {
        _database = database;
        _database.Migrate(CryptoSchema.Module, CryptoSchema.Migrations);
    }

    public async Task<MasterKeyCheckResult> VerifyAsync(MasterKey key, CancellationToken cancellationToken)
    {
        await using var connection = _database.OpenRead();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sealed FROM master_key_check WHERE id = 1";
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not byte[] sealedBox)
        {
            return MasterKeyCheckResult.NotRecorded;
        }

        return Opens(key, sealedBox) ? MasterKeyCheckResult.Matches : MasterKeyCheckResult.DoesNotMatch;
    }

    /// <summary>Records the check value for <paramref name="key"/> unless one exists.</summary>
    public Task RecordAsync(MasterKey key, CancellationToken cancellationToken) =>
        _database.WriteAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO master_key_check(id, sealed) VALUES(1, $sealed) ON CONFLICT(id) DO NOTHING";
            command.Parameters.AddWithValue("$sealed", key.Seal(RandomNumberGenerator.GetBytes(32), AssociatedData));
            return command.ExecuteNonQuery();
        }, cancellationToken);

    /// <summary>Part of a master-key rotation: seals a new check value under <paramref name="replacement"/>.</summary>
    /// <exception cref="CryptographicException"><paramref name="current"/> does not open the check value.</exception>
    public static void Reseal(SqliteConnection connection, MasterKey current, MasterKey replacement)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT sealed FROM master_key_check WHERE id = 1";
        if (read.ExecuteScalar() is byte[] sealedBox && !Opens(current, sealedBox))
        {
            throw new CryptographicException("The current master key does not open this data.");
        }

        using var write = connection.CreateCommand();
        write.CommandText = "INSERT INTO master_key_check(id, sealed) VALUES(1, $sealed) ON CONFLICT(id) DO UPDATE SET sealed = $sealed";
        write.Parameters.AddWithValue("$sealed", replacement.Seal(RandomNumberGenerator.GetBytes(32), AssociatedData));
        write.ExecuteNonQuery();
    }

    private static bool Opens(MasterKey key, byte[] sealedBox)
    {
        try
        {
            CryptographicOperations.ZeroMemory(key.Open(sealedBox, AssociatedData));
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
