using Coffer.Crypto.Kms;

namespace Coffer.Crypto.Tests.Kms;

public sealed class RotationTests : KmsTestBase
{
    [Fact]
    public async Task RotateKeyOnDemand_NewVersionEncrypts_OldCiphertextsStillDecrypt()
    {
        var keyId = await Kms.CreateKeyAsync();
        var before = await Kms.EncryptAsync(keyId, "old");

        await Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None);
        var after = await Kms.EncryptAsync(keyId, "new");

        Assert.Equal(1, Version(before));
        Assert.Equal(2, Version(after));
        Assert.Equal("old", await Kms.DecryptAsync(before));
        Assert.Equal("new", await Kms.DecryptAsync(after));
        var rotations = await Service.ListKeyRotationsAsync(keyId, null, null, CancellationToken.None);
        var rotation = Assert.Single(rotations.Items);
        Assert.Equal(KmsRotationType.OnDemand, rotation.RotationType);
        Assert.Equal(Kms.Time.GetUtcNow(), rotation.RotationDate);
    }

    [Fact]
    public async Task RotateKeyOnDemand_IsLimited()
    {
        var keyId = await Kms.CreateKeyAsync();
        for (var i = 0; i < KmsLimits.MaxOnDemandRotations; i++)
        {
            await Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None);
        }

        await KmsFixture.FailsAsync(KmsErrorCode.LimitExceeded, () => Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None));
        var first = await Service.ListKeyRotationsAsync(keyId, 10, null, CancellationToken.None);
        var second = await Service.ListKeyRotationsAsync(keyId, 20, first.NextMarker, CancellationToken.None);
        Assert.Equal(KmsLimits.MaxOnDemandRotations, first.Items.Count + second.Items.Count);
        Assert.False(second.Truncated);
    }

    [Fact]
    public async Task RotateKeyOnDemand_NeedsAnEnabledKey()
    {
        var keyId = await Kms.CreateKeyAsync();
        await Service.DisableKeyAsync(keyId, CancellationToken.None);

        await KmsFixture.FailsAsync(KmsErrorCode.Disabled, () => Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None));
    }

    [Fact]
    public async Task AutomaticRotation_HappensOnFirstUseAfterThePeriod()
    {
        var keyId = await Kms.CreateKeyAsync();
        var enabled = await Service.EnableKeyRotationAsync(keyId, null, CancellationToken.None);
        var before = await Kms.EncryptAsync(keyId, "year one");

        Assert.Equal(365, enabled.RotationPeriodInDays);
        Assert.Equal(Kms.Time.GetUtcNow().AddDays(365), enabled.NextRotationDate);
        Kms.Time.Advance(TimeSpan.FromDays(364));
        Assert.Equal(1, Version(await Kms.EncryptAsync(keyId, "still year one")));
        Kms.Time.Advance(TimeSpan.FromDays(1));

        var after = await Kms.EncryptAsync(keyId, "year two");

        Assert.Equal(2, Version(after));
        Assert.Equal("year one", await Kms.DecryptAsync(before));
        var status = await Service.GetKeyRotationStatusAsync(keyId, CancellationToken.None);
        Assert.Equal(Kms.Time.GetUtcNow().AddDays(365), status.NextRotationDate);
        Assert.Equal(KmsRotationType.Automatic, Assert.Single((await Service.ListKeyRotationsAsync(keyId, null, null, CancellationToken.None)).Items).RotationType);
    }

    [Fact]
    public async Task AutomaticRotation_HappensInMaintenance_ForUnusedKeys()
    {
        var keyId = await Kms.CreateKeyAsync();
        await Service.EnableKeyRotationAsync(keyId, 90, CancellationToken.None);
        await Kms.CreateKeyAsync();
        Kms.Time.Advance(TimeSpan.FromDays(90));

        Assert.Equal(new KmsMaintenanceResult(1, 0), await Service.RunMaintenanceAsync(CancellationToken.None));
        Assert.Equal(new KmsMaintenanceResult(0, 0), await Service.RunMaintenanceAsync(CancellationToken.None));
        Assert.Equal(2L, Kms.Scalar("SELECT current_version FROM kms_keys WHERE key_id = $id", ("$id", keyId)));
    }

    [Fact]
    public async Task AutomaticRotation_WaitsWhileTheKeyIsDisabled()
    {
        var keyId = await Kms.CreateKeyAsync();
        await Service.EnableKeyRotationAsync(keyId, 90, CancellationToken.None);
        await Service.DisableKeyAsync(keyId, CancellationToken.None);
        Kms.Time.Advance(TimeSpan.FromDays(100));

        Assert.Equal(new KmsMaintenanceResult(0, 0), await Service.RunMaintenanceAsync(CancellationToken.None));
        await Service.EnableKeyAsync(keyId, CancellationToken.None);

        Assert.Equal(2, Version(await Kms.EncryptAsync(keyId, "after re-enabling")));
    }

    [Fact]
    public async Task DisableKeyRotation_StopsTheSchedule()
    {
        var keyId = await Kms.CreateKeyAsync();
        await Service.EnableKeyRotationAsync(keyId, 90, CancellationToken.None);

        var disabled = await Service.DisableKeyRotationAsync(keyId, CancellationToken.None);
        Kms.Time.Advance(TimeSpan.FromDays(200));

        Assert.Null(disabled.RotationPeriodInDays);
        Assert.Null(disabled.NextRotationDate);
        Assert.Equal(1, Version(await Kms.EncryptAsync(keyId, "unrotated")));
    }

    [Fact]
    public async Task EnableKeyRotation_AgainChangesThePeriod_FromTheSameStart()
    {
        var keyId = await Kms.CreateKeyAsync();
        var start = Kms.Time.GetUtcNow();
        await Service.EnableKeyRotationAsync(keyId, 365, CancellationToken.None);
        Kms.Time.Advance(TimeSpan.FromDays(10));

        var changed = await Service.EnableKeyRotationAsync(keyId, 180, CancellationToken.None);

        Assert.Equal(start.AddDays(180), changed.NextRotationDate);
    }

    [Theory]
    [InlineData(89)]
    [InlineData(2561)]
    public async Task EnableKeyRotation_PeriodOutOfRange_IsInvalid(int days)
    {
        var keyId = await Kms.CreateKeyAsync();

        var error = await KmsFixture.FailsAsync(KmsErrorCode.Validation, () => Service.EnableKeyRotationAsync(keyId, days, CancellationToken.None));

        Assert.Contains("rotationPeriodInDays", error.Message, StringComparison.Ordinal);
    }

    private static int Version(byte[] blob) => (blob[17] << 24) | (blob[18] << 16) | (blob[19] << 8) | blob[20];
}
