namespace Coffer.Crypto.Kms;

/// <summary>Why a KMS operation was refused; the protocol front-end names each as AWS does (NotFound → NotFoundException).</summary>
public enum KmsErrorCode
{
    /// <summary>No such key or alias, or the key's material was destroyed (see <see cref="KmsException.KeyDestroyed"/>).</summary>
    NotFound,

    /// <summary>The key is disabled (AWS's DisabledException; S3 answers KMS.DisabledException).</summary>
    Disabled,

    /// <summary>The key's state does not allow the operation, e.g. it is pending deletion (KMSInvalidStateException).</summary>
    InvalidState,

    /// <summary>The ciphertext was altered, is not from this server, or the encryption context differs.</summary>
    InvalidCiphertext,

    /// <summary>Decrypt named a key other than the one the ciphertext was made with.</summary>
    IncorrectKey,

    AlreadyExists,

    Validation,

    InvalidAliasName,

    /// <summary>An alias under the reserved alias/aws/ prefix was to be created, changed or deleted.</summary>
    NotAuthorized,

    /// <summary>Something AWS KMS offers that this server does not (asymmetric keys, key policies, …).</summary>
    UnsupportedOperation,

    InvalidKeyUsage,

    LimitExceeded,

    InvalidMarker,

    /// <summary>An AWS managed key's built-in policy forbids the operation, whoever asks.</summary>
    AccessDenied,
}
