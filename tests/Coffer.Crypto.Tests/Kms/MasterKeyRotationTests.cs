using System.Security.Cryptography;
using Coffer.Crypto.Kms;

namespace Coffer.Crypto.Tests.Kms;

public sealed class MasterKeyRotationTests : IAsyncLifetime
{
    private readonly KmsFixture _kms = KmsFixture.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _kms.DisposeAsync();

    [Fact]
    public async Task Reseal_MovesEveryKeyVersionAndTheCheckValue_ToTheNewKey()
    {
        var check = new MasterKeyCheck(_kms.Database);
        await check.RecordAsync(_kms.MasterKey, CancellationToken.None);
        var keyId = await _kms.CreateKeyAsync();
        var before = await _kms.EncryptAsync(keyId, "first version");
        await _kms.Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None);
        using var replacement = MasterKey.Generate();

        var count = await _kms.Database.WriteAsync(connection =>
        {
            MasterKeyCheck.Reseal(connection, _kms.MasterKey, replacement);
            return KeyManagementService.ResealKeyMaterial(connection, _kms.MasterKey, replacement);
        }, CancellationToken.None);

        Assert.Equal(2, count);
        Assert.Equal(MasterKeyCheckResult.Matches, await check.VerifyAsync(replacement, CancellationToken.None));
        Assert.Equal(MasterKeyCheckResult.DoesNotMatch, await check.VerifyAsync(_kms.MasterKey, CancellationToken.None));
        var reopened = new KeyManagementService(_kms.Database, replacement, new KmsOptions { Region = KmsFixture.Region, AccountId = KmsFixture.Account }, _kms.Time);
        Assert.Equal("first version"u8.ToArray(), (await reopened.DecryptAsync(before, null, null, CancellationToken.None)).Plaintext);
    }

    [Fact]
    public async Task Reseal_WithTheWrongCurrentKey_ChangesNothing()
    {
        var check = new MasterKeyCheck(_kms.Database);
        await check.RecordAsync(_kms.MasterKey, CancellationToken.None);
        await _kms.CreateKeyAsync();
        using var wrong = MasterKey.Generate();
        using var replacement = MasterKey.Generate();
        var sealedBefore = (byte[])_kms.Scalar("SELECT material_sealed FROM kms_key_versions")!;

        await Assert.ThrowsAnyAsync<CryptographicException>(() => _kms.Database.WriteAsync(
            connection => KeyManagementService.ResealKeyMaterial(connection, wrong, replacement), CancellationToken.None));

        Assert.Equal(sealedBefore, (byte[])_kms.Scalar("SELECT material_sealed FROM kms_key_versions")!);
        Assert.Equal(MasterKeyCheckResult.Matches, await check.VerifyAsync(_kms.MasterKey, CancellationToken.None));
    }

    [Fact]
    public async Task MasterKeyCheck_IsNotRecorded_ThenMatchesOnlyItsKey()
    {
        var check = new MasterKeyCheck(_kms.Database);
        using var other = MasterKey.Generate();

        Assert.Equal(MasterKeyCheckResult.NotRecorded, await check.VerifyAsync(_kms.MasterKey, CancellationToken.None));
        await check.RecordAsync(_kms.MasterKey, CancellationToken.None);
        await check.RecordAsync(other, CancellationToken.None);

        Assert.Equal(MasterKeyCheckResult.Matches, await check.VerifyAsync(_kms.MasterKey, CancellationToken.None));
        Assert.Equal(MasterKeyCheckResult.DoesNotMatch, await check.VerifyAsync(other, CancellationToken.None));
    }

    [Fact]
    public void WriteKeyFile_ReplacesTheFileWholeWithOwnerOnlyAccess()
    {
        var path = Path.Combine(_kms.Directory, "master.key");
        using var first = MasterKey.LoadOrCreate(path);
        using var second = MasterKey.Generate();

        second.WriteKeyFile(path);

        using var loaded = MasterKey.Load(path);
        Assert.True(loaded.SameKeyAs(second));
        Assert.False(loaded.SameKeyAs(first));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(path) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.Equal(["master.key", "metadata.db"], Directory.GetFiles(_kms.Directory).Select(Path.GetFileName).Where(n => !n!.StartsWith("metadata.db-", StringComparison.Ordinal)).Order());
    }
}
