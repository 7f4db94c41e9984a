namespace Coffer.Crypto.Kms;

/// <summary>
/// What Encrypt, Decrypt and GenerateDataKey return, by the KMS API's names. The caller clears
/// <see cref="Plaintext"/> once it has been sent.
/// </summary>
public sealed record KmsCryptoResult(string KeyArn, byte[]? CiphertextBlob, byte[]? Plaintext);
