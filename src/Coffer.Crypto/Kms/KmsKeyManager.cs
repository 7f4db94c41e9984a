namespace Coffer.Crypto.Kms;

/// <summary>Who manages a key, as AWS's KeyManager, plus the server's own key for SSE-S3.</summary>
public enum KmsKeyManager
{
    /// <summary>Created through CreateKey; the account administers it.</summary>
    Customer,

    /// <summary>alias/aws/s3: created on first use, rotated yearly, never disabled or deleted.</summary>
    Aws,

    /// <summary>The server's key for SSE-S3, like AWS's owned keys: invisible to the KMS API.</summary>
    Internal,
}
