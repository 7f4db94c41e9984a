using System.Text.Json;
using Coffer.Crypto.Kms;

namespace Coffer.Protocol.Json.Kms;

/// <summary>KMS response members by AWS's names. Timestamps are epoch seconds, as the JSON protocol sends them.</summary>
internal static class KmsJson
{
    public const string SymmetricDefault = "SYMMETRIC_DEFAULT";

    public static void KeyMetadata(Utf8JsonWriter json, KmsKeyMetadata key)
    {
        json.WriteStartObject("KeyMetadata");
        json.WriteString("AWSAccountId", key.AccountId);
        json.WriteString("KeyId", key.KeyId);
        json.WriteString("Arn", key.Arn);
        Date(json, "CreationDate", key.CreationDate);
        json.WriteBoolean("Enabled", key.Enabled);
        json.WriteString("Description", key.Description);
        json.WriteString("KeyUsage", "ENCRYPT_DECRYPT");
        json.WriteString("KeyState", key.State.ToString());
        if (key.DeletionDate is { } deletion)
        {
            Date(json, "DeletionDate", deletion);
        }

        json.WriteString("Origin", "AWS_KMS");
        json.WriteString("KeyManager", key.Manager == KmsKeyManager.Aws ? "AWS" : "CUSTOMER");
        json.WriteString("CustomerMasterKeySpec", SymmetricDefault);
        json.WriteString("KeySpec", SymmetricDefault);
        json.WriteStartArray("EncryptionAlgorithms");
        json.WriteStringValue(SymmetricDefault);
        json.WriteEndArray();
        json.WriteBoolean("MultiRegion", false);
        json.WriteEndObject();
    }

    public static void Date(Utf8JsonWriter json, string name, DateTimeOffset value) =>
        json.WriteNumber(name, value.ToUnixTimeMilliseconds() / 1000.0);

    public static void Page<T>(Utf8JsonWriter json, string name, KmsPage<T> page, Action<Utf8JsonWriter, T> item)
    {
        json.WriteStartArray(name);
        foreach (var entry in page.Items)
        {
            json.WriteStartObject();
            item(json, entry);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteBoolean("Truncated", page.Truncated);
        if (page.NextMarker is { } marker)
        {
            json.WriteString("NextMarker", marker);
        }
    }
}
