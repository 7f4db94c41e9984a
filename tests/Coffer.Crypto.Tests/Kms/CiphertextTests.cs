using Coffer.Crypto.Kms;

namespace Coffer.Crypto.Tests.Kms;

public sealed class CiphertextTests : KmsTestBase
{
    /// <summary>
    /// The blob format, pinned: if this changes, stored ciphertexts and wrapped data keys no longer
    /// decrypt. The expected bytes were checked against an independent HKDF-SHA256 + AES-256-GCM
    /// (Python's cryptography package) following the format's comment.
    /// </summary>
    [Fact]
    public void Format_FixedVector_IsPinned()
    {
        var keyId = Guid.Parse("1234abcd-12ab-34cd-56ef-1234567890ab");
        var material = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var nonce = Enumerable.Range(0, 32).Select(i => (byte)(0xA0 + i)).ToArray();
        var context = EncryptionContext.Canonical(KmsFixture.Context(("purpose", "test"), ("aws:s3:arn", "arn:aws:s3:::bucket/key")));

        var blob = KmsCiphertext.Seal(keyId, 7, material, "hello, kms"u8, context, nonce);

        Assert.Equal(ExpectedVector, Convert.ToHexStringLower(blob));
        Assert.True(KmsCiphertext.TryReadHeader(blob, out var readId, out var version));
        Assert.Equal((keyId, 7), (readId, version));
        var plaintext = new byte[KmsCiphertext.PlaintextLength(blob)];
        Assert.True(KmsCiphertext.TryOpen(blob, material, context, plaintext));
        Assert.Equal("hello, kms"u8.ToArray(), plaintext);
    }

    [Fact]
    public void EncryptionContext_IsCanonical_WhateverTheOrder()
    {
        var one = EncryptionContext.Canonical(KmsFixture.Context(("b", "2"), ("a", "1")));
        var other = EncryptionContext.Canonical(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });

        Assert.Equal(one, other);
        Assert.Equal("0002" + "0001" + "61" + "0001" + "31" + "0001" + "62" + "0001" + "32", Convert.ToHexStringLower(one));
        Assert.Equal([0, 0], EncryptionContext.Canonical(null));
    }

    [Fact]
    public async Task Decrypt_WithTheSameContextInAnotherOrder_Succeeds()
    {
        var keyId = await Kms.CreateKeyAsync();
        var blob = await Kms.EncryptAsync(keyId, "bound", KmsFixture.Context(("tenant", "a"), ("purpose", "x")));

        Assert.Equal("bound", await Kms.DecryptAsync(blob, KmsFixture.Context(("purpose", "x"), ("tenant", "a"))));
    }

    public static TheoryData<string[]> WrongContexts => new()
    {
        Array.Empty<string>(),
        new[] { "tenant", "b" },
        new[] { "tenant", "a", "extra", "1" },
        new[] { "Tenant", "a" },
    };

    [Theory]
    [MemberData(nameof(WrongContexts))]
    public async Task Decrypt_WithAnotherContext_IsInvalidCiphertext(string[] pairs)
    {
        var keyId = await Kms.CreateKeyAsync();
        var blob = await Kms.EncryptAsync(keyId, "bound", KmsFixture.Context(("tenant", "a")));
        var context = pairs.Chunk(2).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

        await KmsFixture.FailsAsync(KmsErrorCode.InvalidCiphertext, () => Kms.DecryptAsync(blob, context));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(21)]
    [InlineData(52)]
    [InlineData(53)]
    [InlineData(68)]
    [InlineData(69)]
    [InlineData(-1)]
    public async Task Decrypt_TamperedByte_FailsWithoutRevealingAnything(int offset)
    {
        var keyId = await Kms.CreateKeyAsync();
        var blob = await Kms.EncryptAsync(keyId, "do not alter");
        blob[offset < 0 ? blob.Length - 1 : offset] ^= 0x01;

        await KmsFixture.FailsAsync(KmsErrorCode.InvalidCiphertext, () => Kms.DecryptAsync(blob));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(68)]
    [InlineData(69)]
    public async Task Decrypt_TruncatedBlob_IsInvalidCiphertext(int length)
    {
        var keyId = await Kms.CreateKeyAsync();
        var blob = await Kms.EncryptAsync(keyId, "whole");

        await KmsFixture.FailsAsync(KmsErrorCode.InvalidCiphertext, () => Kms.DecryptAsync(blob[..length]));
    }

    [Fact]
    public async Task Decrypt_BlobMadeOfAnotherKeysId_IsInvalidCiphertext()
    {
        var first = await Kms.CreateKeyAsync();
        var second = await Kms.CreateKeyAsync();
        var blob = await Kms.EncryptAsync(first, "mine");
        Guid.Parse(second).TryWriteBytes(blob.AsSpan(1, 16), bigEndian: true, out _);

        await KmsFixture.FailsAsync(KmsErrorCode.InvalidCiphertext, () => Kms.DecryptAsync(blob));
    }

    [Fact]
    public async Task Decrypt_NamingAnotherKey_IsIncorrectKey()
    {
        var first = await Kms.CreateKeyAsync();
        var second = await Kms.CreateKeyAsync();
        var blob = await Kms.EncryptAsync(first, "mine");

        await KmsFixture.FailsAsync(KmsErrorCode.IncorrectKey, () => Kms.DecryptAsync(blob, keyId: second));
        Assert.Equal("mine", await Kms.DecryptAsync(blob, keyId: first));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4097)]
    public async Task Encrypt_PlaintextOutsideOneTo4096Bytes_IsInvalid(int length)
    {
        var keyId = await Kms.CreateKeyAsync();

        await KmsFixture.FailsAsync(KmsErrorCode.Validation, () => Service.EncryptAsync(keyId, new byte[length], null, CancellationToken.None));
    }

    [Fact]
    public async Task GenerateDataKey_GivesTheBytesAskedFor_DecryptableUnderTheContext()
    {
        var keyId = await Kms.CreateKeyAsync();
        var context = KmsFixture.Context(("object", "a"));

        var generated = await Service.GenerateDataKeyAsync(keyId, 16, context, withPlaintext: true, CancellationToken.None);
        var withoutPlaintext = await Service.GenerateDataKeyAsync(keyId, 32, context, withPlaintext: false, CancellationToken.None);

        Assert.Equal(16, generated.Plaintext!.Length);
        Assert.Null(withoutPlaintext.Plaintext);
        Assert.Equal(generated.Plaintext, (await Service.DecryptAsync(generated.CiphertextBlob!, context, null, CancellationToken.None)).Plaintext);
        Assert.Equal(32, (await Service.DecryptAsync(withoutPlaintext.CiphertextBlob!, context, null, CancellationToken.None)).Plaintext!.Length);
        await KmsFixture.FailsAsync(KmsErrorCode.Validation, () => Service.GenerateDataKeyAsync(keyId, 1025, null, true, CancellationToken.None));
    }

    private const string ExpectedVector =
        "01" + "1234abcd12ab34cd56ef1234567890ab" + "00000007"
        + "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
        + "c5a737061c94000d6455dbe2cd07da9d"
        + "e451d14313ed49563ef9";
}
