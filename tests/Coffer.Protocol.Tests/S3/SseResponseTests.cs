using System.Text;
using Coffer.Crypto.Kms;
using Coffer.Protocol.S3;
using Coffer.Protocol.S3.Encryption;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Coffer.Protocol.Tests.S3;

public sealed class SseResponseTests
{
    [Fact]
    public void SseS3_SaysAes256()
    {
        var response = Write(new ObjectEncryption { Mode = "AES256" }, null);

        Assert.Equal("AES256", response.Headers["x-amz-server-side-encryption"]);
        Assert.False(response.Headers.ContainsKey("x-amz-server-side-encryption-aws-kms-key-id"));
        Assert.False(response.Headers.ContainsKey("x-amz-server-side-encryption-bucket-key-enabled"));
    }

    [Fact]
    public void SseKms_NamesTheKeyArn_TheContext_AndTheBucketKey()
    {
        var record = new ObjectEncryption
        {
            Mode = "aws:kms",
            KmsKeyArn = "arn:aws:kms:us-east-1:111122223333:key/abc",
            Context = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["project"] = "apollo" },
            BucketKeyEnabled = true,
        };

        var response = Write(record, null);

        Assert.Equal("aws:kms", response.Headers["x-amz-server-side-encryption"]);
        Assert.Equal("arn:aws:kms:us-east-1:111122223333:key/abc", response.Headers["x-amz-server-side-encryption-aws-kms-key-id"]);
        Assert.Equal("""{"project":"apollo"}""", Encoding.UTF8.GetString(Convert.FromBase64String(response.Headers["x-amz-server-side-encryption-context"]!)));
        Assert.Equal("true", response.Headers["x-amz-server-side-encryption-bucket-key-enabled"]);
    }

    [Fact]
    public void SseC_EchoesTheAlgorithmAndKeyMd5_AndNothingElse()
    {
        var response = Write(new ObjectEncryption { Mode = "SSE-C" }, "md5==");

        Assert.Equal("AES256", response.Headers["x-amz-server-side-encryption-customer-algorithm"]);
        Assert.Equal("md5==", response.Headers["x-amz-server-side-encryption-customer-key-MD5"]);
        Assert.False(response.Headers.ContainsKey("x-amz-server-side-encryption"));
    }

    [Theory]
    [InlineData(KmsErrorCode.Disabled, "KMS.DisabledException", 400)]
    [InlineData(KmsErrorCode.NotFound, "KMS.NotFoundException", 400)]
    [InlineData(KmsErrorCode.InvalidState, "KMS.KMSInvalidStateException", 400)]
    [InlineData(KmsErrorCode.AccessDenied, "AccessDenied", 403)]
    [InlineData(KmsErrorCode.InvalidCiphertext, "InternalError", 500)]
    public void KmsRefusals_AreS3Errors(KmsErrorCode code, string wireCode, int status)
    {
        var error = SseResponse.Error(new KmsException(code, "refused"));

        Assert.Equal(wireCode, S3Errors.WireName(error.Code));
        Assert.Equal(status, error.StatusCode);
    }

    private static HttpResponse Write(ObjectEncryption record, string? md5)
    {
        var context = new DefaultHttpContext();
        SseResponse.WriteHeaders(context.Response, record, md5);
        return context.Response;
    }
}
