using System.Text;
using System.Text.Json;
using Coffer.Crypto.Kms;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.S3.Encryption;

/// <summary>The SSE headers S3 returns on writes and reads of an encrypted object, and KMS refusals as S3 errors.</summary>
internal static class SseResponse
{
    public static void WriteHeaders(HttpResponse response, ObjectEncryption record, string? customerKeyMd5)
    {
        var headers = response.Headers;
        if (record.IsCustomer)
        {
            headers[SseRequest.CustomerAlgorithmHeader] = BucketEncryption.Aes256;
            if (customerKeyMd5 is not null)
            {
                headers[SseRequest.CustomerKeyMd5Header] = customerKeyMd5;
            }

            return;
        }

        headers[SseRequest.AlgorithmHeader] = record.Mode;
        if (record.Mode == BucketEncryption.AwsKms)
        {
            headers[SseRequest.KmsKeyIdHeader] = record.KmsKeyArn;
            if (record.Context is { Count: > 0 } context)
            {
                headers[SseRequest.ContextHeader] = Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(context, ObjectEncryptionJsonContext.Default.SortedDictionaryStringString)));
            }
        }

        if (record.BucketKeyEnabled)
        {
            headers[SseRequest.BucketKeyHeader] = "true";
        }
    }

    /// <summary>A KMS refusal while encrypting or decrypting an object, as S3 reports it.</summary>
    public static S3Exception Error(KmsException error) => error.Code switch
    {
        KmsErrorCode.Disabled => new S3Exception(S3ErrorCode.KmsDisabled, error.Message),
        KmsErrorCode.NotFound => new S3Exception(S3ErrorCode.KmsNotFound, error.Message),
        KmsErrorCode.InvalidState => new S3Exception(S3ErrorCode.KmsInvalidState, error.Message),
        KmsErrorCode.AccessDenied => new S3Exception(S3ErrorCode.AccessDenied),

        // A stored wrapped key that no longer opens is damage, not the caller's mistake.
        _ => new S3Exception(S3ErrorCode.InternalError),
    };
}
