using Coffer.Crypto.Kms;

namespace Coffer.Protocol.Json.Kms;

/// <summary>The KMS's errors by AWS's names; every one is HTTP 400, as AWS KMS answers them.</summary>
internal static class KmsErrors
{
    public static JsonProtocolException Map(KmsException e) => new(Type(e.Code), e.HasMessage ? e.Message : null);

    public static string Type(KmsErrorCode code) => code switch
    {
        KmsErrorCode.NotFound => "NotFoundException",
        KmsErrorCode.Disabled => "DisabledException",
        KmsErrorCode.InvalidState => "KMSInvalidStateException",
        KmsErrorCode.InvalidCiphertext => "InvalidCiphertextException",
        KmsErrorCode.IncorrectKey => "IncorrectKeyException",
        KmsErrorCode.AlreadyExists => "AlreadyExistsException",
        KmsErrorCode.Validation => "ValidationException",
        KmsErrorCode.InvalidAliasName => "InvalidAliasNameException",
        KmsErrorCode.NotAuthorized => "NotAuthorizedException",
        KmsErrorCode.UnsupportedOperation => "UnsupportedOperationException",
        KmsErrorCode.InvalidKeyUsage => "InvalidKeyUsageException",
        KmsErrorCode.LimitExceeded => "LimitExceededException",
        KmsErrorCode.InvalidMarker => "InvalidMarkerException",
        KmsErrorCode.AccessDenied => "AccessDeniedException",
        _ => "KMSInternalException",
    };
}
