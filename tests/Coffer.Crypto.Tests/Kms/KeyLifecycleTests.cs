using Coffer.Crypto.Kms;

namespace Coffer.Crypto.Tests.Kms;

public sealed class KeyLifecycleTests : KmsTestBase
{
    [Fact]
    public async Task CreateKey_IsAnEnabledCustomerKeyWithItsArn()
    {
        var key = await Service.CreateKeyAsync("for invoices", CancellationToken.None);

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", key.KeyId);
        Assert.Equal($"arn:aws:kms:eu-west-1:123456789012:key/{key.KeyId}", key.Arn);
        Assert.Equal(KmsKeyState.Enabled, key.State);
        Assert.Equal(KmsKeyManager.Customer, key.Manager);
        Assert.Equal("for invoices", key.Description);
        Assert.Equal(Kms.Time.GetUtcNow(), key.CreationDate);
        Assert.Null(key.RotationPeriodInDays);
        Assert.Equal(key, await Service.DescribeKeyAsync(key.Arn, CancellationToken.None));
    }

    [Fact]
    public async Task KeyMaterial_IsStoredOnlySealed()
    {
        var keyId = await Kms.CreateKeyAsync();

        var sealedMaterial = (byte[])Kms.Scalar("SELECT material_sealed FROM kms_key_versions WHERE key_id = $id", ("$id", keyId))!;

        Assert.Equal(1 + 12 + 16 + 32, sealedMaterial.Length);
        Assert.Equal(32, Kms.MasterKey.Open(sealedMaterial, System.Text.Encoding.UTF8.GetBytes($"kms-key/{keyId}/1")).Length);
    }

    [Theory]
    [InlineData("not-a-key")]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")]
    [InlineData("alias/nothing-here")]
    public async Task DescribeKey_UnknownKey_IsNotFound(string keyId) =>
        await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Service.DescribeKeyAsync(keyId, CancellationToken.None));

    [Fact]
    public async Task DisableKey_RefusesUse_UntilEnabledAgain()
    {
        var keyId = await Kms.CreateKeyAsync();
        var blob = await Kms.EncryptAsync(keyId, "before");

        var disabled = await Service.DisableKeyAsync(keyId, CancellationToken.None);

        Assert.Equal(KmsKeyState.Disabled, disabled.State);
        var error = await KmsFixture.FailsAsync(KmsErrorCode.Disabled, () => Kms.EncryptAsync(keyId, "during"));
        Assert.Equal($"{disabled.Arn} is disabled.", error.Message);
        await KmsFixture.FailsAsync(KmsErrorCode.Disabled, () => Kms.DecryptAsync(blob));
        await KmsFixture.FailsAsync(KmsErrorCode.Disabled, () => Kms.DataKeys.DecryptDataKeyAsync(blob, KmsFixture.Context(), CancellationToken.None));

        await Service.EnableKeyAsync(keyId, CancellationToken.None);

        Assert.Equal("before", await Kms.DecryptAsync(blob));
    }

    [Fact]
    public async Task ScheduleKeyDeletion_DefaultsToThirtyDays_AndRefusesUse()
    {
        var keyId = await Kms.CreateKeyAsync();
        var blob = await Kms.EncryptAsync(keyId, "secret");

        var pending = await Service.ScheduleKeyDeletionAsync(keyId, null, CancellationToken.None);

        Assert.Equal(KmsKeyState.PendingDeletion, pending.State);
        Assert.Equal(30, pending.PendingWindowInDays);
        Assert.Equal(Kms.Time.GetUtcNow().AddDays(30), pending.DeletionDate);
        var error = await KmsFixture.FailsAsync(KmsErrorCode.InvalidState, () => Kms.DecryptAsync(blob));
        Assert.Equal($"{pending.Arn} is pending deletion.", error.Message);
        await KmsFixture.FailsAsync(KmsErrorCode.InvalidState, () => Kms.EncryptAsync(keyId, "more"));
        await KmsFixture.FailsAsync(KmsErrorCode.InvalidState, () => Service.EnableKeyAsync(keyId, CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.InvalidState, () => Service.ScheduleKeyDeletionAsync(keyId, 7, CancellationToken.None));
        Assert.Equal(KmsKeyState.PendingDeletion, (await Service.DescribeKeyAsync(keyId, CancellationToken.None)).State);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(31)]
    [InlineData(0)]
    public async Task ScheduleKeyDeletion_WindowOutsideSevenToThirtyDays_IsInvalid(int days)
    {
        var keyId = await Kms.CreateKeyAsync();

        var error = await KmsFixture.FailsAsync(KmsErrorCode.Validation, () => Service.ScheduleKeyDeletionAsync(keyId, days, CancellationToken.None));

        Assert.Contains("pendingWindowInDays", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelKeyDeletion_LeavesTheKeyDisabled_AsAwsDoes()
    {
        var keyId = await Kms.CreateKeyAsync();
        var blob = await Kms.EncryptAsync(keyId, "kept");
        await Service.ScheduleKeyDeletionAsync(keyId, 7, CancellationToken.None);

        var cancelled = await Service.CancelKeyDeletionAsync(keyId, CancellationToken.None);

        Assert.Equal(KmsKeyState.Disabled, cancelled.State);
        Assert.Null(cancelled.DeletionDate);
        Kms.Time.Advance(TimeSpan.FromDays(8));
        await Service.EnableKeyAsync(keyId, CancellationToken.None);
        Assert.Equal("kept", await Kms.DecryptAsync(blob));
        await KmsFixture.FailsAsync(KmsErrorCode.InvalidState, () => Service.CancelKeyDeletionAsync(keyId, CancellationToken.None));
    }

    [Fact]
    public async Task DeletionWindowPassed_DestroysTheMaterial_SoCiphertextsAreLostForGood()
    {
        var keyId = await Kms.CreateKeyAsync();
        await Service.CreateAliasAsync("alias/doomed", keyId, CancellationToken.None);
        var blob = await Kms.EncryptAsync(keyId, "gone");
        await Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None);
        await Service.ScheduleKeyDeletionAsync(keyId, 7, CancellationToken.None);

        Kms.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        await KmsFixture.FailsAsync(KmsErrorCode.InvalidState, () => Kms.DecryptAsync(blob));
        Kms.Time.Advance(TimeSpan.FromSeconds(1));

        var error = await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Kms.DecryptAsync(blob));
        Assert.True(error.KeyDestroyed);
        var dataKeyError = await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Kms.DataKeys.DecryptDataKeyAsync(blob, KmsFixture.Context(), CancellationToken.None));
        Assert.True(dataKeyError.KeyDestroyed);
        await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Service.DescribeKeyAsync(keyId, CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Service.CancelKeyDeletionAsync(keyId, CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Service.DescribeKeyAsync("alias/doomed", CancellationToken.None));
        Assert.Equal(0L, Kms.Scalar("SELECT count(*) FROM kms_key_versions WHERE key_id = $id", ("$id", keyId)));
        Assert.Equal(0L, Kms.Scalar("SELECT count(*) FROM kms_aliases"));
        Assert.Empty((await Service.ListKeysAsync(null, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task Maintenance_DestroysKeysPastTheirWindow_EvenUnused()
    {
        var doomed = await Kms.CreateKeyAsync();
        var kept = await Kms.CreateKeyAsync();
        await Service.ScheduleKeyDeletionAsync(doomed, 7, CancellationToken.None);
        await Service.ScheduleKeyDeletionAsync(kept, 30, CancellationToken.None);
        Kms.Time.Advance(TimeSpan.FromDays(8));

        var result = await Service.RunMaintenanceAsync(CancellationToken.None);

        Assert.Equal(new KmsMaintenanceResult(0, 1), result);
        Assert.Equal(0L, Kms.Scalar("SELECT count(*) FROM kms_key_versions WHERE key_id = $id", ("$id", doomed)));
        Assert.Equal(1L, Kms.Scalar("SELECT count(*) FROM kms_key_versions WHERE key_id = $id", ("$id", kept)));
        Assert.Equal(new KmsMaintenanceResult(0, 0), await Service.RunMaintenanceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ListKeys_PagesInKeyIdOrder()
    {
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await Kms.CreateKeyAsync());
        }

        var first = await Service.ListKeysAsync(2, null, CancellationToken.None);
        var second = await Service.ListKeysAsync(2, first.NextMarker, CancellationToken.None);
        var last = await Service.ListKeysAsync(2, second.NextMarker, CancellationToken.None);

        Assert.True(first.Truncated);
        Assert.False(last.Truncated);
        Assert.Equal(created.Order(StringComparer.Ordinal), first.Items.Concat(second.Items).Concat(last.Items).Select(k => k.KeyId));
        await KmsFixture.FailsAsync(KmsErrorCode.InvalidMarker, () => Service.ListKeysAsync(2, "bogus", CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.Validation, () => Service.ListKeysAsync(1001, null, CancellationToken.None));
    }

    [Fact]
    public async Task KeyOnlyOperations_RefuseAliases()
    {
        var keyId = await Kms.CreateKeyAsync();
        await Service.CreateAliasAsync("alias/mine", keyId, CancellationToken.None);

        await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Service.DisableKeyAsync("alias/mine", CancellationToken.None));
        Assert.Equal(keyId, (await Service.DescribeKeyAsync("alias/mine", CancellationToken.None)).KeyId);
        Assert.Equal(keyId, (await Service.DescribeKeyAsync("arn:aws:kms:eu-west-1:123456789012:alias/mine", CancellationToken.None)).KeyId);
    }
}
