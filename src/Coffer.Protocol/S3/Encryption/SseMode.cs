namespace Coffer.Protocol.S3.Encryption;

/// <summary>How an object's data key is protected: by the server (SSE-S3), a KMS key (SSE-KMS), or the caller's own key (SSE-C).</summary>
internal enum SseMode
{
    /// <summary>The request named none: the bucket's default applies.</summary>
    BucketDefault,
    S3,
    Kms,
    Customer,
}
