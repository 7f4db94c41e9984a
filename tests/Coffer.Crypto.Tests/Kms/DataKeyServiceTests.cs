using Coffer.Crypto.Kms;

namespace Coffer.Crypto.Tests.Kms;

public sealed class DataKeyServiceTests : KmsTestBase
{
    private IDataKeyService DataKeys => Kms.DataKeys;

    [Fact]
    public async Task SseS3Key_WrapsAndUnwraps_AndStaysOutOfTheKmsApi()
    {
        var context = KmsFixture.Context(("aws:s3:arn", "arn:aws:s3:::bucket/object"));

        using var generated = await DataKeys.GenerateDataKeyAsync(null, context, CancellationToken.None);
        using var again = await DataKeys.GenerateDataKeyAsync(null, context, CancellationToken.None);
        using var unwrapped = await DataKeys.DecryptDataKeyAsync(generated.WrappedKey, context, CancellationToken.None);

        Assert.Equal(32, generated.Key.Bytes.Length);
        Assert.Equal(generated.Key.Bytes.ToArray(), unwrapped.Key.Bytes.ToArray());
        Assert.Equal(generated.KeyArn, again.KeyArn);
        Assert.Equal(KmsCiphertext.Overhead + 32, generated.WrappedKey.Length);
        var internalKeyId = generated.KeyArn[(generated.KeyArn.LastIndexOf('/') + 1)..];
        Assert.Empty((await Kms.Service.ListKeysAsync(null, null, CancellationToken.None)).Items);
        await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Kms.Service.DescribeKeyAsync(internalKeyId, CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Kms.Service.DisableKeyAsync(internalKeyId, CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.InvalidCiphertext, () => Kms.Service.DecryptAsync(generated.WrappedKey, context, null, CancellationToken.None));
    }

    [Fact]
    public async Task DecryptDataKey_WithAnotherContext_IsInvalidCiphertext()
    {
        using var generated = await DataKeys.GenerateDataKeyAsync(null, KmsFixture.Context(("aws:s3:arn", "arn:aws:s3:::bucket/a")), CancellationToken.None);

        await KmsFixture.FailsAsync(KmsErrorCode.InvalidCiphertext, () => DataKeys.DecryptDataKeyAsync(generated.WrappedKey, KmsFixture.Context(("aws:s3:arn", "arn:aws:s3:::bucket/b")), CancellationToken.None));
    }

    [Fact]
    public async Task CustomerKey_StateIsEnforced_DisabledThenPendingThenDestroyed()
    {
        var keyId = await Kms.CreateKeyAsync();
        await Kms.Service.CreateAliasAsync("alias/objects", keyId, CancellationToken.None);
        using var generated = await DataKeys.GenerateDataKeyAsync("alias/objects", KmsFixture.Context(), CancellationToken.None);
        Assert.Equal(Kms.Service.KeyArn(keyId), generated.KeyArn);

        await Kms.Service.DisableKeyAsync(keyId, CancellationToken.None);
        await KmsFixture.FailsAsync(KmsErrorCode.Disabled, () => DataKeys.DecryptDataKeyAsync(generated.WrappedKey, KmsFixture.Context(), CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.Disabled, () => DataKeys.GenerateDataKeyAsync(keyId, KmsFixture.Context(), CancellationToken.None));

        await Kms.Service.ScheduleKeyDeletionAsync(keyId, 7, CancellationToken.None);
        await KmsFixture.FailsAsync(KmsErrorCode.InvalidState, () => DataKeys.DecryptDataKeyAsync(generated.WrappedKey, KmsFixture.Context(), CancellationToken.None));

        Kms.Time.Advance(TimeSpan.FromDays(7));
        var error = await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => DataKeys.DecryptDataKeyAsync(generated.WrappedKey, KmsFixture.Context(), CancellationToken.None));
        Assert.True(error.KeyDestroyed);
    }

    [Fact]
    public async Task DataKey_OldVersionsStillUnwrap_AfterRotation()
    {
        var keyId = await Kms.CreateKeyAsync();
        using var before = await DataKeys.GenerateDataKeyAsync(keyId, KmsFixture.Context(), CancellationToken.None);

        await Kms.Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None);
        using var unwrapped = await DataKeys.DecryptDataKeyAsync(before.WrappedKey, KmsFixture.Context(), CancellationToken.None);

        Assert.Equal(before.Key.Bytes.ToArray(), unwrapped.Key.Bytes.ToArray());
    }

    [Fact]
    public async Task KmsDataKey_Dispose_ClearsTheKey()
    {
        var generated = await DataKeys.GenerateDataKeyAsync(null, KmsFixture.Context(), CancellationToken.None);
        var bytes = generated.Key.Bytes;

        generated.Dispose();

        Assert.True(bytes.IndexOfAnyExcept((byte)0) < 0);
    }
}
