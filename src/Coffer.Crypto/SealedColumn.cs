using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Coffer.Crypto;

/// <summary>Master-key rotation of one table's sealed values: each opened with the current key and sealed with the new one.</summary>
public static class SealedColumn
{
    /// <summary>
    /// Re-seals <paramref name="sealedColumn"/> of every row of <paramref name="table"/> in the
    /// caller's transaction; <paramref name="associatedData"/> gives a row's associated data from
    /// its <paramref name="keyColumns"/>. Throws, so the transaction rolls back, if a value does
    /// not open. Table and column names are the caller's constants, never input.
    /// </summary>
    public static int Reseal(SqliteConnection connection, string table, string sealedColumn, string[] keyColumns, Func<object[], byte[]> associatedData, MasterKey current, MasterKey replacement)
    {
        var rows = new List<(object[] Keys, byte[] Sealed)>();
        using (var read = connection.CreateCommand())
        {
            read.CommandText = $"SELECT {string.Join(", ", keyColumns)}, {sealedColumn} FROM {table}";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                var keys = Enumerable.Range(0, keyColumns.Length).Select(reader.GetValue).ToArray();
                rows.Add((keys, (byte[])reader.GetValue(keyColumns.Length)));
            }
        }

        using var update = connection.CreateCommand();
        update.CommandText = $"UPDATE {table} SET {sealedColumn} = $sealed WHERE "
            + string.Join(" AND ", keyColumns.Select((column, i) => $"{column} = $k{i}"));
        foreach (var (keys, sealedValue) in rows)
        {
            var associated = associatedData(keys);
            var plaintext = current.Open(sealedValue, associated);
            try
            {
                update.Parameters.Clear();
                update.Parameters.AddWithValue("$sealed", replacement.Seal(plaintext, associated));
                for (var i = 0; i < keys.Length; i++)
                {
                    update.Parameters.AddWithValue("$k" + i, keys[i]);
                }

                update.ExecuteNonQuery();
            }
            finally
            {
                CryptographicOperations.ZeroMemory(plaintext);
            }
        }

        return rows.Count;
    }
}
