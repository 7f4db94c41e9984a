using Coffer.Crypto.Kms;

namespace Coffer.Crypto.Tests.Kms;

public sealed class RotationTests : IAsyncLifetime
{
    private readonly KmsFixture _kms = KmsFixture.Create();

    private KeyManagementService Service => _kms.Service;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kms.DisposeAsync();

    [Fact]
    public async Task RotateKeyOnDemand_NewVersionEncrypts_OldCiphertextsStillDecrypt()
    {
        var keyId = await _kms.CreateKeyAsync();
        var before = await _kms.EncryptAsync(keyId, "old");

        await Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None);
        var after = await _kms.EncryptAsync(keyId, "new");

        Assert.Equal(1, Version(before));
        Assert.Equal(2, Version(after));
        Assert.Equal("old", await _kms.DecryptAsync(before));
        Assert.Equal("new", await _kms.DecryptAsync(after));
        var rotations = await Service.ListKeyRotationsAsync(keyId, null, null, CancellationToken.None);
        var rotation = Assert.Single(rotations.Items);
        Assert.Equal(KmsRotationType.OnDemand, rotation.RotationType);
        Assert.Equal(_kms.Time.GetUtcNow(), rotation.RotationDate);
    }

    [Fact]
    public async Task RotateKeyOnDemand_IsLimited()
    {
        var keyId = await _kms.CreateKeyAsync();
        for (var i = 0; i < KeyManagementService.MaxOnDemandRotations; i++)
        {
            await Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None);
        }

        await KmsFixture.FailsAsync(KmsErrorCode.LimitExceeded, () => Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None));
        var first = await Service.ListKeyRotationsAsync(keyId, 10, null, CancellationToken.None);
        var second = await Service.ListKeyRotationsAsync(keyId, 20, first.NextMarker, CancellationToken.None);
        Assert.Equal(KeyManagementService.MaxOnDemandRotations, first.Items.Count + second.Items.Count);
        Assert.False(second.Truncated);
    }

    [Fact]
    public async Task RotateKeyOnDemand_NeedsAnEnabledKey()
    {
        var keyId = await _kms.CreateKeyAsync();
        await Service.DisableKeyAsync(keyId, CancellationToken.None);

        await KmsFixture.FailsAsync(KmsErrorCode.Disabled, () => Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None));
    }

    [Fact]
    public async Task AutomaticRotation_HappensOnFirstUseAfterThePeriod()
    {
        var keyId = await _kms.CreateKeyAsync();
        var enabled = await Service.EnableKeyRotationAsync(keyId, null, CancellationToken.None);
        var before = await _kms.EncryptAsync(keyId, "year one");

        Assert.Equal(365, enabled.RotationPeriodInDays);
        Assert.Equal(_kms.Time.GetUtcNow().AddDays(365), enabled.NextRotationDate);
        _kms.Time.Advance(TimeSpan.FromDays(364));
        Assert.Equal(1, Version(await _kms.EncryptAsync(keyId, "still year one")));
        _kms.Time.Advance(TimeSpan.FromDays(1));

        var after = await _kms.EncryptAsync(keyId, "year two");

        Assert.Equal(2, Version(after));
        Assert.Equal("year one", await _kms.DecryptAsync(before));
        var status = await Service.GetKeyRotationStatusAsync(keyId, CancellationToken.None);
        Assert.Equal(_kms.Time.GetUtcNow().AddDays(365), status.NextRotationDate);
        Assert.Equal(KmsRotationType.Automatic, Assert.Single((await Service.ListKeyRotationsAsync(keyId, null, null, CancellationToken.None)).Items).RotationType);
    }

    [Fact]
    public async Task AutomaticRotation_HappensInMaintenance_ForUnusedKeys()
    {
        var keyId = await _kms.CreateKeyAsync();
        await Service.EnableKeyRotationAsync(keyId, 90, CancellationToken.None);
        await _kms.CreateKeyAsync();
        _kms.Time.Advance(TimeSpan.FromDays(90));

        Assert.Equal(new KmsMaintenanceResult(1, 0), await Service.RunMaintenanceAsync(CancellationToken.None));
        Assert.Equal(new KmsMaintenanceResult(0, 0), await Service.RunMaintenanceAsync(CancellationToken.None));
        Assert.Equal(2L, _kms.Scalar("SELECT current_version FROM kms_keys WHERE key_id = $id", ("$id", keyId)));
    }

    [Fact]
    public async Task AutomaticRotation_WaitsWhileTheKeyIsDisabled()
    {
        var keyId = await _kms.CreateKeyAsync();
        await Service.EnableKeyRotationAsync(keyId, 90, CancellationToken.None);
        await Service.DisableKeyAsync(keyId, CancellationToken.None);
        _kms.Time.Advance(TimeSpan.FromDays(100));

        Assert.Equal(new KmsMaintenanceResult(0, 0), await Service.RunMaintenanceAsync(CancellationToken.None));
        await Service.EnableKeyAsync(keyId, CancellationToken.None);

        Assert.Equal(2, Version(await _kms.EncryptAsync(keyId, "after re-enabling")));
    }

    [Fact]
    public async Task DisableKeyRotation_StopsTheSchedule()
    {
        var keyId = await _kms.CreateKeyAsync();
        await Service.EnableKeyRotationAsync(keyId, 90, CancellationToken.None);

        var disabled = await Service.DisableKeyRotationAsync(keyId, CancellationToken.None);
        _kms.Time.Advance(TimeSpan.FromDays(200));

        Assert.Null(disabled.RotationPeriodInDays);
        Assert.Null(disabled.NextRotationDate);
        Assert.Equal(1, Version(await _kms.EncryptAsync(keyId, "unrotated")));
    }

    [Fact]
    public async Task EnableKeyRotation_AgainChangesThePeriod_FromTheSameStart()
    {
        var keyId = await _kms.CreateKeyAsync();
        var start = _kms.Time.GetUtcNow();
        await Service.EnableKeyRotationAsync(keyId, 365, CancellationToken.None);
        _kms.Time.Advance(TimeSpan.FromDays(10));

        var changed = await Service.EnableKeyRotationAsync(keyId, 180, CancellationToken.None);

        Assert.Equal(start.AddDays(180), changed.NextRotationDate);
    }

    [Theory]
    [InlineData(89)]
    [InlineData(2561)]
    public async Task EnableKeyRotation_PeriodOutOfRange_IsInvalid(int days)
    {
        var keyId = await _kms.CreateKeyAsync();

        var error = await KmsFixture.FailsAsync(KmsErrorCode.Validation, () => Service.EnableKeyRotationAsync(keyId, days, CancellationToken.None));

        Assert.Contains("rotationPeriodInDays", error.Message, StringComparison.Ordinal);
    }

    private static int Version(byte[] blob) => (blob[17] << 24) | (blob[18] << 16) | (blob[19] << 8) | blob[20];
}
