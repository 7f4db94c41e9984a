using System.Text.Json;
using Coffer.Crypto.Kms;

namespace Coffer.Protocol.Json.Kms;

/// <summary>
/// CreateAlias, UpdateAlias, DeleteAlias, ListAliases. As on AWS, changing an alias needs the
/// action on the alias and on every key involved: the target, and for UpdateAlias and
/// DeleteAlias the key it pointed at.
/// </summary>
internal sealed partial class KmsHandlers
{
    /// <summary>CreateAlias, or with <paramref name="update"/> UpdateAlias.</summary>
    private async Task<Action<Utf8JsonWriter>?> SetAliasAsync(KmsContext context, bool update)
    {
        var aliasName = context.Request.RequiredString("AliasName");
        if (update)
        {
            await AuthorizeAliasAsync(context, aliasName).ConfigureAwait(false);
        }
        else
        {
            KmsLimits.WritableAliasName(aliasName);
            await AuthorizeAsync(context, kms.AliasArn(aliasName)).ConfigureAwait(false);
        }

        await AuthorizeKeyAsync(context, "TargetKeyId").ConfigureAwait(false);
        var target = context.Request.RequiredString("TargetKeyId");
        await (update ? kms.UpdateAliasAsync(aliasName, target, context.Aborted) : kms.CreateAliasAsync(aliasName, target, context.Aborted)).ConfigureAwait(false);
        return null;
    }

    private async Task<Action<Utf8JsonWriter>?> DeleteAliasAsync(KmsContext context)
    {
        var aliasName = context.Request.RequiredString("AliasName");
        await AuthorizeAliasAsync(context, aliasName).ConfigureAwait(false);
        await kms.DeleteAliasAsync(aliasName, context.Aborted).ConfigureAwait(false);
        return null;
    }

    private async Task<Action<Utf8JsonWriter>?> ListAliasesAsync(KmsContext context)
    {
        var request = context.Request;
        var (keyId, limit, marker) = (request.String("KeyId"), request.Int("Limit"), request.String("Marker"));
        KmsLimits.Limit(limit, 50, 100);
        await AuthorizeAsync(context, "*").ConfigureAwait(false);
        var page = await kms.ListAliasesAsync(keyId, limit, marker, context.Aborted).ConfigureAwait(false);
        return json => KmsJson.Page(json, "Aliases", page, (item, alias) =>
        {
            item.WriteString("AliasName", alias.AliasName);
            item.WriteString("AliasArn", alias.AliasArn);
            if (alias.TargetKeyId is { } target)
            {
                item.WriteString("TargetKeyId", target);
            }

            if (alias.CreationDate is { } created)
            {
                KmsJson.Date(item, "CreationDate", created);
            }

            if (alias.LastUpdatedDate is { } updated)
            {
                KmsJson.Date(item, "LastUpdatedDate", updated);
            }
        });
    }

    /// <summary>The action on an existing alias and on the key it points at.</summary>
    private async Task AuthorizeAliasAsync(KmsContext context, string aliasName)
    {
        KmsLimits.WritableAliasName(aliasName);
        await AuthorizeAsync(context, kms.AliasArn(aliasName)).ConfigureAwait(false);
        if (await kms.AliasTargetKeyAsync(aliasName, context.Aborted).ConfigureAwait(false) is { } current)
        {
            await AuthorizeAsync(context, current).ConfigureAwait(false);
        }
    }
}
