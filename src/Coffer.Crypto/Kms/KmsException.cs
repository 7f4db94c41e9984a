namespace Coffer.Crypto.Kms;

/// <summary>A KMS operation was refused; <see cref="Code"/> says why. Messages name keys by ARN, never by material.</summary>
public sealed class KmsException(KmsErrorCode code, string? message) : Exception(message ?? code.ToString())
{
    public KmsErrorCode Code { get; } = code;

    /// <summary>Set with <see cref="KmsErrorCode.NotFound"/> when the key existed and its material was destroyed after its deletion window: what it protected is gone for good.</summary>
    public bool KeyDestroyed { get; init; }

    /// <summary>Whether AWS gives this error without a message (InvalidCiphertextException does).</summary>
    public bool HasMessage { get; init; } = message is not null;

    public static KmsException KeyNotFound(string keyArn) => new(KmsErrorCode.NotFound, $"Key '{keyArn}' does not exist");

    public static KmsException KeyDestroyedError(string keyArn) => new(KmsErrorCode.NotFound, $"Key '{keyArn}' does not exist") { KeyDestroyed = true };

    public static KmsException InvalidKeyId(string keyId) => new(KmsErrorCode.NotFound, $"Invalid keyId '{keyId}'");

    public static KmsException AliasNotFound(string aliasArn) => new(KmsErrorCode.NotFound, $"Alias {aliasArn} is not found.");

    public static KmsException Disabled(string keyArn) => new(KmsErrorCode.Disabled, $"{keyArn} is disabled.");

    public static KmsException PendingDeletion(string keyArn) => new(KmsErrorCode.InvalidState, $"{keyArn} is pending deletion.");

    public static KmsException InvalidCiphertext() => new(KmsErrorCode.InvalidCiphertext, null);

    public static KmsException Validation(string message) => new(KmsErrorCode.Validation, message);

    /// <summary>AWS's wording for a member that breaks its constraint.</summary>
    public static KmsException Constraint(string member, string? value, string constraint) =>
        Validation($"1 validation error detected: Value {(value is null ? "null" : $"'{value}'")} at '{member}' failed to satisfy constraint: Member {constraint}");

    public static KmsException Unsupported(string message) => new(KmsErrorCode.UnsupportedOperation, message);

    /// <summary>An AWS managed key's built-in key policy allows no one to do this.</summary>
    public static KmsException AwsManaged(string action, string keyArn) =>
        new(KmsErrorCode.AccessDenied, $"{keyArn} is an AWS managed key: its key policy does not allow the {action} action");
}
