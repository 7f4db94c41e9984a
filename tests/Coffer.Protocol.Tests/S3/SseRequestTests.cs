using System.Security.Cryptography;
using System.Text;
using Coffer.Protocol.S3;
using Coffer.Protocol.S3.Encryption;
using Xunit;

namespace Coffer.Protocol.Tests.S3;

public sealed class SseRequestTests
{
    private static readonly byte[] Key = SHA256.HashData("customer key"u8);
    private static readonly string KeyBase64 = Convert.ToBase64String(Key);
    private static readonly string KeyMd5 = Convert.ToBase64String(MD5.HashData(Key));

    [Fact]
    public void NoHeaders_MeansTheBucketDefault()
    {
        using var sse = Write([]);

        Assert.Equal(SseMode.BucketDefault, sse.Mode);
    }

    [Fact]
    public void Aes256_IsSseS3()
    {
        using var sse = Write(("x-amz-server-side-encryption", "AES256"));

        Assert.Equal(SseMode.S3, sse.Mode);
        Assert.Null(sse.KmsKeyId);
    }

    [Fact]
    public void Kms_WithKeyContextAndBucketKey()
    {
        var context = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"project":"apollo","dept":"r&d"}"""));

        using var sse = Write(
            ("x-amz-server-side-encryption", "aws:kms"),
            ("x-amz-server-side-encryption-aws-kms-key-id", "alias/reports"),
            ("x-amz-server-side-encryption-context", context),
            ("x-amz-server-side-encryption-bucket-key-enabled", "true"));

        Assert.Equal(SseMode.Kms, sse.Mode);
        Assert.Equal("alias/reports", sse.KmsKeyId);
        Assert.Equal(["dept", "project"], sse.KmsContext.Keys);
        Assert.Equal("r&d", sse.KmsContext["dept"]);
        Assert.True(sse.BucketKeyEnabled);
    }

    [Fact]
    public void CustomerKey_IsHeldAndComparedInConstantTime()
    {
        using var sse = Write(Customer());

        Assert.Equal(SseMode.Customer, sse.Mode);
        Assert.Equal(KeyMd5, sse.CustomerKeyMd5);
        Assert.True(sse.MatchesCustomerKey(Key));
        Assert.False(sse.MatchesCustomerKey(new byte[32]));
    }

    [Fact]
    public void CustomerKey_IsForgottenOnDispose()
    {
        var sse = Write(Customer());
        sse.Dispose();

        Assert.False(sse.MatchesCustomerKey(Key));
        try
        {
            _ = sse.CustomerKey.Length;
            Assert.Fail("the key outlived the request");
        }
        catch (InvalidOperationException)
        {
        }
    }

    [Fact]
    public void CustomerKey_OverPlainHttp_IsRefusedUnlessAllowed()
    {
        var error = Assert.Throws<S3Exception>(() => SseRequest.ForWrite(Headers(Customer()), secure: false, allowCustomerKeysOverHttp: false));
        using var allowed = SseRequest.ForWrite(Headers(Customer()), secure: false, allowCustomerKeysOverHttp: true);

        Assert.Equal(S3ErrorCode.InvalidRequest, error.Code);
        Assert.Equal(SseMode.Customer, allowed.Mode);
    }

    [Theory]
    [InlineData("x-amz-server-side-encryption", "AES128", "not supported")]
    [InlineData("x-amz-server-side-encryption", "aes256", "not supported")]
    [InlineData("x-amz-server-side-encryption-aws-kms-key-id", "alias/x", "requires HTTP header x-amz-server-side-encryption : aws:kms")]
    [InlineData("x-amz-server-side-encryption-context", "e30=", "requires HTTP header x-amz-server-side-encryption : aws:kms")]
    [InlineData("x-amz-server-side-encryption-bucket-key-enabled", "maybe", "must be true or false")]
    public void BadHeader_IsInvalidArgumentNamingIt(string name, string value, string message)
    {
        var error = Assert.Throws<S3Exception>(() => Write((name, value)));

        Assert.Equal(S3ErrorCode.InvalidArgument, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(error.Details, d => d.Key == "ArgumentName");
    }

    [Fact]
    public void AesWithAKmsKey_IsInvalidArgument()
    {
        var error = Assert.Throws<S3Exception>(() => Write(("x-amz-server-side-encryption", "AES256"), ("x-amz-server-side-encryption-aws-kms-key-id", "alias/x")));

        Assert.Equal(S3ErrorCode.InvalidArgument, error.Code);
    }

    [Fact]
    public void DualLayer_IsNotImplemented()
    {
        var error = Assert.Throws<S3Exception>(() => Write(("x-amz-server-side-encryption", "aws:kms:dsse")));

        Assert.Equal(S3ErrorCode.NotImplemented, error.Code);
    }

    [Theory]
    [InlineData("bm90IGpzb24=")]
    [InlineData("WzEsMl0=")]
    [InlineData("eyJhIjoxfQ==")]
    [InlineData("eyJhIjoiYiIsImEiOiJjIn0=")]
    [InlineData("%%%")]
    public void BadContext_IsInvalidArgument(string context)
    {
        var error = Assert.Throws<S3Exception>(() => Write(("x-amz-server-side-encryption", "aws:kms"), ("x-amz-server-side-encryption-context", context)));

        Assert.Equal(S3ErrorCode.InvalidArgument, error.Code);
    }

    [Theory]
    [InlineData(0, "must provide a valid encryption algorithm")]
    [InlineData(1, "must provide an appropriate secret key")]
    [InlineData(2, "must provide the client calculated MD5 of the secret key")]
    public void CustomerHeaders_AllThreeAreNeeded(int missing, string message)
    {
        var headers = Customer().Where((_, i) => i != missing).ToArray();

        var error = Assert.Throws<S3Exception>(() => Write(headers));

        Assert.Equal(S3ErrorCode.InvalidArgument, error.Code);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomerKey_WrongLengthOrMd5OrAlgorithm_IsRefused()
    {
        var shortKey = Convert.ToBase64String(Key[..16]);
        var shortMd5 = Convert.ToBase64String(MD5.HashData(Key[..16]));

        var length = Assert.Throws<S3Exception>(() => Write(("x-amz-server-side-encryption-customer-algorithm", "AES256"), ("x-amz-server-side-encryption-customer-key", shortKey), ("x-amz-server-side-encryption-customer-key-MD5", shortMd5)));
        var md5 = Assert.Throws<S3Exception>(() => Write(("x-amz-server-side-encryption-customer-algorithm", "AES256"), ("x-amz-server-side-encryption-customer-key", KeyBase64), ("x-amz-server-side-encryption-customer-key-MD5", shortMd5)));
        var algorithm = Assert.Throws<S3Exception>(() => Write(("x-amz-server-side-encryption-customer-algorithm", "AES128"), ("x-amz-server-side-encryption-customer-key", KeyBase64), ("x-amz-server-side-encryption-customer-key-MD5", KeyMd5)));

        Assert.Contains("secret key was invalid", length.Message, StringComparison.Ordinal);
        Assert.Contains("did not match", md5.Message, StringComparison.Ordinal);
        Assert.Contains("valid value is AES256", algorithm.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CustomerKey_WithAnotherMethod_IsRefused()
    {
        var error = Assert.Throws<S3Exception>(() => Write([.. Customer(), ("x-amz-server-side-encryption", "AES256")]));

        Assert.Equal(S3ErrorCode.InvalidArgument, error.Code);
        Assert.Contains("incompatible", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CopySourceKey_IsReadFromTheCopySourceHeaders()
    {
        var headers = Headers(Customer().Select(h => (h.Name.Replace("x-amz-server-side", "x-amz-copy-source-server-side", StringComparison.Ordinal), h.Value)).ToArray());

        using var source = SseRequest.CustomerKeyForRead(headers, copySource: true, secure: true, allowCustomerKeysOverHttp: false);
        var none = SseRequest.CustomerKeyForRead(headers, copySource: false, secure: true, allowCustomerKeysOverHttp: false);

        Assert.NotNull(source);
        Assert.True(source.MatchesCustomerKey(Key));
        Assert.Null(none);
    }

    private static (string Name, string Value)[] Customer() =>
    [
        ("x-amz-server-side-encryption-customer-algorithm", "AES256"),
        ("x-amz-server-side-encryption-customer-key", KeyBase64),
        ("x-amz-server-side-encryption-customer-key-MD5", KeyMd5),
    ];

    private static SseRequest Write(params (string Name, string Value)[] headers) =>
        SseRequest.ForWrite(Headers(headers), secure: true, allowCustomerKeysOverHttp: false);

    private static Func<string, string?> Headers((string Name, string Value)[] headers) =>
        name => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}
