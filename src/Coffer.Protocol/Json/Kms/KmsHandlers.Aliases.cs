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
    private async Task<Action<Utf8JsonWriter>?> CreateAliasAsync(KmsContext context)
    {
        var aliasName = context.Request.RequiredString("AliasName");
        await AuthorizeAsync(context, kms.AliasArn(aliasName)).ConfigureAwait(false);
        await AuthorizeKeyAsync(context, "TargetKeyId").ConfigureAwait(false);
        await kms.CreateAliasAsync(aliasName, context.Request.RequiredString("TargetKeyId"), context.Aborted).ConfigureAwait(false);
        return null;
    }

    private async Task<Action<Utf8JsonWriter>?> UpdateAliasAsync(KmsContext context)
    {
        var aliasName = context.Request.RequiredString("AliasName");
        await AuthorizeAliasAsync(context, aliasName).ConfigureAwait(false);
        await AuthorizeKeyAsync(context, "TargetKeyId").ConfigureAwait(false);
        await kms.UpdateAliasAsync(aliasName, context.Request.RequiredString("TargetKeyId"), context.Aborted).ConfigureAwait(false);
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
        await AuthorizeAsync(context, kms.AliasArn(aliasName)).ConfigureAwait(false);
        if (await kms.AliasTargetKeyAsync(aliasName, context.Aborted).ConfigureAwait(false) is { } current)
        {
            await AuthorizeAsync(context, current).ConfigureAwait(false);
        }
    }
}
