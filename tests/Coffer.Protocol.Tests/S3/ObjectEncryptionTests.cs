using System.Security.Cryptography;
using Coffer.Crypto;
using Coffer.Protocol.S3.Encryption;
using Xunit;

namespace Coffer.Protocol.Tests.S3;

public sealed class ObjectEncryptionTests
{
    private static readonly byte[] CustomerKey = SHA256.HashData("customer"u8);

    [Fact]
    public void Json_RoundTrips_WithoutNullFields()
    {
        var record = new ObjectEncryption
        {
            Mode = "aws:kms",
            SegmentSize = 65536,
            WriteId = "0123abcd",
            WrappedKey = [1, 2, 3],
            KmsKeyArn = "arn:aws:kms:us-east-1:111122223333:key/abc",
            Context = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["project"] = "apollo" },
            BucketKeyEnabled = true,
        };

        var json = record.ToJson();
        var back = ObjectEncryption.FromJson(json);

        Assert.DoesNotContain("salt", json, StringComparison.Ordinal);
        Assert.Equal(record.Mode, back.Mode);
        Assert.Equal(record.WrappedKey, back.WrappedKey);
        Assert.Equal(record.KmsKeyArn, back.KmsKeyArn);
        Assert.Equal("apollo", back.Context!["project"]);
        Assert.True(back.BucketKeyEnabled);
    }

    [Fact]
    public void Json_OfAnUnknownVersion_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => ObjectEncryption.FromJson("""{"v":2,"mode":"AES256"}"""));
    }

    [Fact]
    public void CustomerKey_WrapsAndUnwrapsTheDataKey_OnlyWithTheSameKeyAndBinding()
    {
        using var dataKey = DataKey.Generate();

        var wrapped = CustomerKeys.Wrap(CustomerKey, dataKey, "b/k/1"u8);
        using var back = CustomerKeys.Unwrap(CustomerKey, wrapped, "b/k/1"u8);

        Assert.True(back.Bytes.SequenceEqual(dataKey.Bytes));
        Assert.ThrowsAny<CryptographicException>(() => CustomerKeys.Unwrap(new byte[32], wrapped, "b/k/1"u8));
        Assert.ThrowsAny<CryptographicException>(() => CustomerKeys.Unwrap(CustomerKey, wrapped, "b/k/2"u8));
        wrapped[^1] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => CustomerKeys.Unwrap(CustomerKey, wrapped, "b/k/1"u8));
        Assert.ThrowsAny<CryptographicException>(() => CustomerKeys.Unwrap(CustomerKey, wrapped.AsSpan(0, 10), "b/k/1"u8));
    }

    [Fact]
    public void CustomerKey_Fingerprint_RecognisesOnlyThatKey_AndIsSalted()
    {
        var (salt, hmac) = CustomerKeys.Fingerprint(CustomerKey);
        var (otherSalt, otherHmac) = CustomerKeys.Fingerprint(CustomerKey);

        Assert.True(CustomerKeys.Matches(CustomerKey, salt, hmac));
        Assert.False(CustomerKeys.Matches(new byte[32], salt, hmac));
        Assert.NotEqual(salt, otherSalt);
        Assert.NotEqual(hmac, otherHmac);
    }
}
