using System.Security.Cryptography;
using System.Text.Json;
using Coffer.Crypto.Kms;

namespace Coffer.Protocol.Json.Kms;

/// <summary>Encrypt, Decrypt, GenerateDataKey, GenerateDataKeyWithoutPlaintext. Plaintext is cleared once written.</summary>
internal sealed partial class KmsHandlers
{
    private static readonly string[] AsymmetricAlgorithms = ["RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"];

    private async Task<Action<Utf8JsonWriter>?> EncryptAsync(KmsContext context)
    {
        var request = context.Request;
        var plaintext = request.RequiredBlob("Plaintext");
        try
        {
            KmsLimits.Plaintext(plaintext.Length);
            var encryptionContext = EncryptionContext(context);
            await AuthorizeKeyAsync(context).ConfigureAwait(false);
            DryRun(context);
            var result = await kms.EncryptAsync(request.RequiredString("KeyId"), plaintext, encryptionContext, context.Aborted).ConfigureAwait(false);
            return json =>
            {
                json.WriteBase64String("CiphertextBlob", result.CiphertextBlob);
                json.WriteString("KeyId", result.KeyArn);
                json.WriteString("EncryptionAlgorithm", KmsJson.SymmetricDefault);
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private async Task<Action<Utf8JsonWriter>?> DecryptAsync(KmsContext context)
    {
        var request = context.Request;
        var blob = request.RequiredBlob("CiphertextBlob");
        KmsLimits.Ciphertext(blob.Length);
        var keyId = request.String("KeyId");
        var encryptionContext = EncryptionContext(context);

        // Decrypt is authorised on the key the ciphertext names, whatever KeyId says.
        var blobKeyId = KeyManagementService.CiphertextKeyId(blob) ?? throw KmsErrors.Map(KmsException.InvalidCiphertext());
        KmsKeyMetadata key;
        try
        {
            key = await kms.DescribeKeyAsync(blobKeyId, context.Aborted).ConfigureAwait(false);
        }
        catch (KmsException e) when (e.Code == KmsErrorCode.NotFound && !e.KeyDestroyed)
        {
            throw KmsErrors.Map(KmsException.InvalidCiphertext());
        }

        await AuthorizeAsync(context, key).ConfigureAwait(false);
        DryRun(context);
        var result = await kms.DecryptAsync(blob, encryptionContext, keyId, context.Aborted).ConfigureAwait(false);
        return json =>
        {
            json.WriteString("KeyId", result.KeyArn);
            json.WriteBase64String("Plaintext", result.Plaintext);
            json.WriteString("EncryptionAlgorithm", KmsJson.SymmetricDefault);
            CryptographicOperations.ZeroMemory(result.Plaintext);
        };
    }

    private async Task<Action<Utf8JsonWriter>?> GenerateDataKeyAsync(KmsContext context, bool withPlaintext)
    {
        var request = context.Request;
        var (keySpec, numberOfBytes) = (request.String("KeySpec"), request.Int("NumberOfBytes"));
        var bytes = (keySpec, numberOfBytes) switch
        {
            (null, null) => throw new JsonProtocolException("ValidationException", "Please specify either number of bytes or key spec."),
            (not null, not null) => throw new JsonProtocolException("ValidationException", "Please specify either number of bytes or key spec, not both."),
            ("AES_256", _) => 32,
            ("AES_128", _) => 16,
            (not null, _) => throw JsonProtocolException.Constraint("keySpec", keySpec, "must satisfy enum value set: [AES_256, AES_128]"),
            (_, { } count) => KmsLimits.NumberOfBytes(count),
        };
        var encryptionContext = EncryptionContext(context);
        await AuthorizeKeyAsync(context).ConfigureAwait(false);
        DryRun(context);
        var result = await kms.GenerateDataKeyAsync(request.RequiredString("KeyId"), bytes, encryptionContext, withPlaintext, context.Aborted).ConfigureAwait(false);
        return json =>
        {
            json.WriteBase64String("CiphertextBlob", result.CiphertextBlob);
            if (result.Plaintext is { } plaintext)
            {
                json.WriteBase64String("Plaintext", plaintext);
                CryptographicOperations.ZeroMemory(plaintext);
            }

            json.WriteString("KeyId", result.KeyArn);
        };
    }

    /// <summary>The encryption context, also as the kms:EncryptionContext:* and kms:EncryptionContextKeys condition keys; the algorithm checked.</summary>
    private static Dictionary<string, string>? EncryptionContext(KmsContext context)
    {
        var algorithm = context.Request.String("EncryptionAlgorithm");
        if (algorithm is not null && algorithm != KmsJson.SymmetricDefault)
        {
            throw AsymmetricAlgorithms.Contains(algorithm)
                ? new JsonProtocolException("InvalidKeyUsageException", $"The encryption algorithm {algorithm} is not valid for a SYMMETRIC_DEFAULT key.")
                : JsonProtocolException.Constraint("encryptionAlgorithm", algorithm, "must satisfy enum value set: [SYMMETRIC_DEFAULT, RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]");
        }

        context.Keys.Set("kms:EncryptionAlgorithm", KmsJson.SymmetricDefault);
        var encryptionContext = context.Request.StringMap("EncryptionContext");
        if (encryptionContext is not null)
        {
            foreach (var (key, value) in encryptionContext)
            {
                context.Keys.Set("kms:EncryptionContext:" + key, value);
            }

            context.Keys.Set("kms:EncryptionContextKeys", encryptionContext.Keys.ToArray());
        }

        return encryptionContext;
    }

    /// <summary>DryRun: the call was allowed and valid, and nothing is done.</summary>
    private static void DryRun(KmsContext context)
    {
        if (context.Request.Bool("DryRun") == true)
        {
            throw new JsonProtocolException("DryRunOperationException", "The request would have succeeded, but the DryRun option is set.");
        }
    }
}
