using System.Globalization;
using System.Text.Json;
using Coffer.Crypto.Kms;

namespace Coffer.Protocol.Json.Kms;

/// <summary>CreateKey, DescribeKey, ListKeys, ScheduleKeyDeletion, CancelKeyDeletion and the rotation operations.</summary>
internal sealed partial class KmsHandlers
{
    private async Task<Action<Utf8JsonWriter>?> CreateKeyAsync(KmsContext context)
    {
        var request = context.Request;
        Refuse(request, "Policy", null, "Key policies are not supported: IAM policies alone control access to keys.");
        Refuse(request, "Tags", null, "Tags on keys are not supported.");
        Refuse(request, "KeyUsage", "ENCRYPT_DECRYPT", "Only ENCRYPT_DECRYPT keys are supported.");
        Refuse(request, "KeySpec", KmsJson.SymmetricDefault, "Only SYMMETRIC_DEFAULT keys are supported.");
        Refuse(request, "CustomerMasterKeySpec", KmsJson.SymmetricDefault, "Only SYMMETRIC_DEFAULT keys are supported.");
        Refuse(request, "Origin", "AWS_KMS", "Only keys with the origin AWS_KMS are supported.");
        Refuse(request, "CustomKeyStoreId", null, "Custom key stores are not supported.");
        Refuse(request, "XksKeyId", null, "External key stores are not supported.");
        if (request.Bool("MultiRegion") == true)
        {
            throw new JsonProtocolException("UnsupportedOperationException", "Multi-Region keys are not supported.");
        }

        var description = request.String("Description");
        KmsLimits.Description(description);
        context.Keys.Set("kms:KeyOrigin", "AWS_KMS");
        context.Keys.Set("kms:KeySpec", KmsJson.SymmetricDefault);
        context.Keys.Set("kms:KeyUsage", "ENCRYPT_DECRYPT");
        await AuthorizeAsync(context, "*").ConfigureAwait(false);
        var key = await kms.CreateKeyAsync(description, context.Aborted).ConfigureAwait(false);
        return json => KmsJson.KeyMetadata(json, key);
    }

    private async Task<Action<Utf8JsonWriter>?> DescribeKeyAsync(KmsContext context)
    {
        var key = await AuthorizeKeyAsync(context).ConfigureAwait(false);
        return json => KmsJson.KeyMetadata(json, key);
    }

    private async Task<Action<Utf8JsonWriter>?> ListKeysAsync(KmsContext context)
    {
        var (limit, marker) = (context.Request.Int("Limit"), context.Request.String("Marker"));
        KmsLimits.Limit(limit, 100, 1000);
        await AuthorizeAsync(context, "*").ConfigureAwait(false);
        var page = await kms.ListKeysAsync(limit, marker, context.Aborted).ConfigureAwait(false);
        return json => KmsJson.Page(json, "Keys", page, (item, key) =>
        {
            item.WriteString("KeyId", key.KeyId);
            item.WriteString("KeyArn", key.Arn);
        });
    }

    private async Task<Action<Utf8JsonWriter>?> ScheduleKeyDeletionAsync(KmsContext context)
    {
        var days = context.Request.Int("PendingWindowInDays");
        context.Keys.Set("kms:ScheduleKeyDeletionPendingWindowInDays", KmsLimits.PendingWindowInDays(days).ToString(CultureInfo.InvariantCulture));

        await AuthorizeKeyAsync(context).ConfigureAwait(false);
        var key = await kms.ScheduleKeyDeletionAsync(context.Request.RequiredString("KeyId"), days, context.Aborted).ConfigureAwait(false);
        return json =>
        {
            json.WriteString("KeyId", key.Arn);
            KmsJson.Date(json, "DeletionDate", key.DeletionDate!.Value);
            json.WriteString("KeyState", key.State.ToString());
            json.WriteNumber("PendingWindowInDays", key.PendingWindowInDays!.Value);
        };
    }

    private async Task<Action<Utf8JsonWriter>?> CancelKeyDeletionAsync(KmsContext context)
    {
        await AuthorizeKeyAsync(context).ConfigureAwait(false);
        var key = await kms.CancelKeyDeletionAsync(context.Request.RequiredString("KeyId"), context.Aborted).ConfigureAwait(false);
        return json => json.WriteString("KeyId", key.Arn);
    }

    private async Task<Action<Utf8JsonWriter>?> EnableKeyRotationAsync(KmsContext context)
    {
        var days = context.Request.Int("RotationPeriodInDays");
        context.Keys.Set("kms:RotationPeriodInDays", KmsLimits.RotationPeriodInDays(days).ToString(CultureInfo.InvariantCulture));
        await AuthorizeKeyAsync(context).ConfigureAwait(false);
        await kms.EnableKeyRotationAsync(context.Request.RequiredString("KeyId"), days, context.Aborted).ConfigureAwait(false);
        return null;
    }

    private async Task<Action<Utf8JsonWriter>?> GetKeyRotationStatusAsync(KmsContext context)
    {
        await AuthorizeKeyAsync(context).ConfigureAwait(false);
        var key = await kms.GetKeyRotationStatusAsync(context.Request.RequiredString("KeyId"), context.Aborted).ConfigureAwait(false);
        return json =>
        {
            json.WriteBoolean("KeyRotationEnabled", key.RotationPeriodInDays is not null);
            json.WriteString("KeyId", key.KeyId);
            if (key.RotationPeriodInDays is { } days)
            {
                json.WriteNumber("RotationPeriodInDays", days);
                KmsJson.Date(json, "NextRotationDate", key.NextRotationDate!.Value);
            }
        };
    }

    private async Task<Action<Utf8JsonWriter>?> RotateKeyOnDemandAsync(KmsContext context)
    {
        await AuthorizeKeyAsync(context).ConfigureAwait(false);
        var key = await kms.RotateKeyOnDemandAsync(context.Request.RequiredString("KeyId"), context.Aborted).ConfigureAwait(false);
        return json => json.WriteString("KeyId", key.KeyId);
    }

    private async Task<Action<Utf8JsonWriter>?> ListKeyRotationsAsync(KmsContext context)
    {
        var (limit, marker) = (context.Request.Int("Limit"), context.Request.String("Marker"));
        KmsLimits.Limit(limit, 100, 1000);
        await AuthorizeKeyAsync(context).ConfigureAwait(false);
        var page = await kms.ListKeyRotationsAsync(context.Request.RequiredString("KeyId"), limit, marker, context.Aborted).ConfigureAwait(false);
        return json => KmsJson.Page(json, "Rotations", page, (item, rotation) =>
        {
            item.WriteString("KeyId", rotation.KeyId);
            KmsJson.Date(item, "RotationDate", rotation.RotationDate);
            item.WriteString("RotationType", rotation.RotationType == KmsRotationType.OnDemand ? "ON_DEMAND" : "AUTOMATIC");
        });
    }
}
