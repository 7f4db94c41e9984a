using System.Text.Json;
using Coffer.Crypto.Kms;
using Coffer.Policy;
using Coffer.Protocol.Authorization;

namespace Coffer.Protocol.Json.Kms;

/// <summary>
/// The KMS operations: read the request, work out the resources and ask the policy engine about
/// each, then call <see cref="KeyManagementService"/> and write AWS's response members.
/// </summary>
internal sealed partial class KmsHandlers(KeyManagementService kms, Authorizer authorizer)
{
    /// <summary>What an AWS managed key's built-in key policy lets account principals do through the KMS API.</summary>
    private static readonly HashSet<KmsOperation> AwsManagedKeyOperations =
        [KmsOperation.DescribeKey, KmsOperation.GetKeyRotationStatus, KmsOperation.ListKeyRotations];

    public Task<Action<Utf8JsonWriter>?> DispatchAsync(KmsContext context) => context.Operation switch
    {
        KmsOperation.CreateKey => CreateKeyAsync(context),
        KmsOperation.DescribeKey => DescribeKeyAsync(context),
        KmsOperation.ListKeys => ListKeysAsync(context),
        KmsOperation.EnableKey => KeyChangeAsync(context, kms.EnableKeyAsync),
        KmsOperation.DisableKey => KeyChangeAsync(context, kms.DisableKeyAsync),
        KmsOperation.ScheduleKeyDeletion => ScheduleKeyDeletionAsync(context),
        KmsOperation.CancelKeyDeletion => CancelKeyDeletionAsync(context),
        KmsOperation.CreateAlias => SetAliasAsync(context, update: false),
        KmsOperation.UpdateAlias => SetAliasAsync(context, update: true),
        KmsOperation.DeleteAlias => DeleteAliasAsync(context),
        KmsOperation.ListAliases => ListAliasesAsync(context),
        KmsOperation.EnableKeyRotation => EnableKeyRotationAsync(context),
        KmsOperation.DisableKeyRotation => KeyChangeAsync(context, kms.DisableKeyRotationAsync),
        KmsOperation.GetKeyRotationStatus => GetKeyRotationStatusAsync(context),
        KmsOperation.RotateKeyOnDemand => RotateKeyOnDemandAsync(context),
        KmsOperation.ListKeyRotations => ListKeyRotationsAsync(context),
        KmsOperation.Encrypt => EncryptAsync(context),
        KmsOperation.Decrypt => DecryptAsync(context),
        KmsOperation.GenerateDataKey => GenerateDataKeyAsync(context, withPlaintext: true),
        KmsOperation.GenerateDataKeyWithoutPlaintext => GenerateDataKeyAsync(context, withPlaintext: false),
        _ => throw new JsonProtocolException("UnknownOperationException", null),
    };

    /// <summary>
    /// The key the request's <paramref name="member"/> names, once the caller may perform the
    /// operation on it. An alias used to name it is the kms:RequestAlias condition key.
    /// </summary>
    private async Task<KmsKeyMetadata> AuthorizeKeyAsync(KmsContext context, string member = "KeyId")
    {
        var keyId = context.Request.RequiredString(member);
        var key = await kms.DescribeKeyAsync(keyId, context.Aborted).ConfigureAwait(false);
        var alias = keyId.IndexOf("alias/", StringComparison.Ordinal);
        if (alias >= 0)
        {
            context.Keys.Set("kms:RequestAlias", keyId[alias..]);
        }

        await AuthorizeAsync(context, key).ConfigureAwait(false);
        return key;
    }

    /// <summary>Authorises the operation on a key: an AWS managed key's own policy first, then the caller's policies.</summary>
    private async Task AuthorizeAsync(KmsContext context, KmsKeyMetadata key)
    {
        if (key.Manager != KmsKeyManager.Customer && !AwsManagedKeyOperations.Contains(context.Operation))
        {
            throw new JsonProtocolException("AccessDeniedException",
                $"User: {context.Principal.Arn} is not authorized to perform: {context.Action} on resource: {key.Arn} because no resource-based policy allows the {context.Action} action");
        }

        context.Keys.Set("kms:KeyOrigin", "AWS_KMS");
        context.Keys.Set("kms:KeySpec", KmsJson.SymmetricDefault);
        context.Keys.Set("kms:KeyUsage", "ENCRYPT_DECRYPT");
        await AuthorizeAsync(context, key.Arn).ConfigureAwait(false);
    }

    /// <summary>Asks the policy engine; deny by default, root allowed by the engine itself.</summary>
    private async Task AuthorizeAsync(KmsContext context, string resource)
    {
        context.Keys.Set("kms:CallerAccount", context.Principal.AccountId);
        var decision = await authorizer.DecideAsync(new AuthorizationQuestion(context.Principal, context.Action, resource, context.Keys), context.Aborted).ConfigureAwait(false);
        if (decision != Decision.Allow)
        {
            var reason = decision == Decision.ExplicitDeny
                ? "with an explicit deny in an identity-based policy"
                : $"because no identity-based policy allows the {context.Action} action";
            throw new JsonProtocolException("AccessDeniedException", $"User: {context.Principal.Arn} is not authorized to perform: {context.Action} on resource: {resource} {reason}");
        }
    }

    private async Task<Action<Utf8JsonWriter>?> KeyChangeAsync(KmsContext context, Func<string, CancellationToken, Task<KmsKeyMetadata>> change)
    {
        await AuthorizeKeyAsync(context).ConfigureAwait(false);
        await change(context.Request.RequiredString("KeyId"), context.Aborted).ConfigureAwait(false);
        return null;
    }

    private static void Refuse(JsonRequest request, string member, string? allowed, string message)
    {
        if (request.Has(member) && (allowed is null || request.String(member) != allowed))
        {
            throw new JsonProtocolException("UnsupportedOperationException", message);
        }
    }
}
