using System.Security.Cryptography;
using Coffer.Crypto.Kms;

namespace Coffer.Crypto.Tests.Kms;

public sealed class MasterKeyRotationTests : KmsTestBase
{
    [Fact]
    public async Task Reseal_MovesEveryKeyVersionAndTheCheckValue_ToTheNewKey()
    {
        var check = new MasterKeyCheck(Kms.Database);
        await check.RecordAsync(Kms.MasterKey, CancellationToken.None);
        var keyId = await Kms.CreateKeyAsync();
        var before = await Kms.EncryptAsync(keyId, "first version");
        await Kms.Service.RotateKeyOnDemandAsync(keyId, CancellationToken.None);
        using var replacement = MasterKey.Generate();

        var count = await Kms.Database.WriteAsync(connection =>
        {
            MasterKeyCheck.Reseal(connection, Kms.MasterKey, replacement);
            return KeyManagementService.ResealKeyMaterial(connection, Kms.MasterKey, replacement);
        }, CancellationToken.None);

        Assert.Equal(2, count);
        Assert.Equal(MasterKeyCheckResult.Matches, await check.VerifyAsync(replacement, CancellationToken.None));
        Assert.Equal(MasterKeyCheckResult.DoesNotMatch, await check.VerifyAsync(Kms.MasterKey, CancellationToken.None));
        var reopened = new KeyManagementService(Kms.Database, replacement, new KmsOptions { Region = KmsFixture.Region, AccountId = KmsFixture.Account }, Kms.Time);
        Assert.Equal("first version"u8.ToArray(), (await reopened.DecryptAsync(before, null, null, CancellationToken.None)).Plaintext);
    }

    [Fact]
    public async Task Reseal_WithTheWrongCurrentKey_ChangesNothing()
    {
        var check = new MasterKeyCheck(Kms.Database);
        await check.RecordAsync(Kms.MasterKey, CancellationToken.None);
        await Kms.CreateKeyAsync();
        using var wrong = MasterKey.Generate();
        using var replacement = MasterKey.Generate();
        var sealedBefore = (byte[])Kms.Scalar("SELECT material_sealed FROM kms_key_versions")!;

        await Assert.ThrowsAnyAsync<CryptographicException>(() => Kms.Database.WriteAsync(
            connection => KeyManagementService.ResealKeyMaterial(connection, wrong, replacement), CancellationToken.None));

        Assert.Equal(sealedBefore, (byte[])Kms.Scalar("SELECT material_sealed FROM kms_key_versions")!);
        Assert.Equal(MasterKeyCheckResult.Matches, await check.VerifyAsync(Kms.MasterKey, CancellationToken.None));
    }

    [Fact]
    public async Task MasterKeyCheck_IsNotRecorded_ThenMatchesOnlyItsKey()
    {
        var check = new MasterKeyCheck(Kms.Database);
        using var other = MasterKey.Generate();

        Assert.Equal(MasterKeyCheckResult.NotRecorded, await check.VerifyAsync(Kms.MasterKey, CancellationToken.None));
        await check.RecordAsync(Kms.MasterKey, CancellationToken.None);
        await check.RecordAsync(other, CancellationToken.None);

        Assert.Equal(MasterKeyCheckResult.Matches, await check.VerifyAsync(Kms.MasterKey, CancellationToken.None));
        Assert.Equal(MasterKeyCheckResult.DoesNotMatch, await check.VerifyAsync(other, CancellationToken.None));
    }

    [Fact]
    public void WriteKeyFile_ReplacesTheFileWholeWithOwnerOnlyAccess()
    {
        var path = Path.Combine(Kms.Directory, "master.key");
        using var first = MasterKey.LoadOrCreate(path);
        using var second = MasterKey.Generate();

        second.WriteKeyFile(path);

        using var loaded = MasterKey.Load(path);
        Assert.True(loaded.SameKeyAs(second));
        Assert.False(loaded.SameKeyAs(first));
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(path) == (UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.Equal(["master.key", "metadata.db"], Directory.GetFiles(Kms.Directory).Select(Path.GetFileName).Where(n => !n!.StartsWith("metadata.db-", StringComparison.Ordinal)).Order());
    }
}
