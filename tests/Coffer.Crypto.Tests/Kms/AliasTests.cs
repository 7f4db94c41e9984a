using Coffer.Crypto.Kms;

namespace Coffer.Crypto.Tests.Kms;

public sealed class AliasTests : KmsTestBase
{
    [Theory]
    [InlineData("alias/invoices")]
    [InlineData("alias/Team_A/invoices-2026")]
    public async Task CreateAlias_ValidName_ResolvesByNameAndArn(string name)
    {
        var keyId = await Kms.CreateKeyAsync();

        await Service.CreateAliasAsync(name, keyId, CancellationToken.None);

        Assert.Equal(keyId, (await Service.DescribeKeyAsync(name, CancellationToken.None)).KeyId);
        Assert.Equal(keyId, (await Service.DescribeKeyAsync($"arn:aws:kms:eu-west-1:123456789012:{name}", CancellationToken.None)).KeyId);
        var blob = await Kms.EncryptAsync(name, "via alias");
        Assert.Equal("via alias", await Kms.DecryptAsync(blob));
    }

    [Theory]
    [InlineData("invoices", KmsErrorCode.Validation)]
    [InlineData("alias/", KmsErrorCode.InvalidAliasName)]
    [InlineData("alias/aws/mine", KmsErrorCode.NotAuthorized)]
    [InlineData("alias/aws/s3", KmsErrorCode.NotAuthorized)]
    [InlineData("alias/with:colon", KmsErrorCode.Validation)]
    [InlineData("alias/with space", KmsErrorCode.Validation)]
    [InlineData("alias/ünïcode", KmsErrorCode.Validation)]
    [InlineData("", KmsErrorCode.Validation)]
    public async Task CreateAlias_BadName_IsRefused(string name, KmsErrorCode code)
    {
        var keyId = await Kms.CreateKeyAsync();

        await KmsFixture.FailsAsync(code, () => Service.CreateAliasAsync(name, keyId, CancellationToken.None));
    }

    [Fact]
    public async Task CreateAlias_NameOver256Characters_IsRefused()
    {
        var keyId = await Kms.CreateKeyAsync();

        await KmsFixture.FailsAsync(KmsErrorCode.Validation, () => Service.CreateAliasAsync("alias/" + new string('a', 251), keyId, CancellationToken.None));
        await Service.CreateAliasAsync("alias/" + new string('a', 250), keyId, CancellationToken.None);
    }

    [Fact]
    public async Task CreateAlias_Twice_AlreadyExists()
    {
        var keyId = await Kms.CreateKeyAsync();
        await Service.CreateAliasAsync("alias/once", keyId, CancellationToken.None);

        var error = await KmsFixture.FailsAsync(KmsErrorCode.AlreadyExists, () => Service.CreateAliasAsync("alias/once", keyId, CancellationToken.None));

        Assert.Equal("An alias with the name arn:aws:kms:eu-west-1:123456789012:alias/once already exists", error.Message);
    }

    [Fact]
    public async Task CreateAlias_ForAKeyPendingDeletion_IsInvalidState()
    {
        var keyId = await Kms.CreateKeyAsync();
        await Service.ScheduleKeyDeletionAsync(keyId, 7, CancellationToken.None);

        await KmsFixture.FailsAsync(KmsErrorCode.InvalidState, () => Service.CreateAliasAsync("alias/late", keyId, CancellationToken.None));
    }

    [Fact]
    public async Task UpdateAlias_Retargets_AndDeleteAlias_Removes()
    {
        var first = await Kms.CreateKeyAsync();
        var second = await Kms.CreateKeyAsync();
        await Service.CreateAliasAsync("alias/current", first, CancellationToken.None);

        await Service.UpdateAliasAsync("alias/current", second, CancellationToken.None);

        Assert.Equal(second, (await Service.DescribeKeyAsync("alias/current", CancellationToken.None)).KeyId);
        await Service.DeleteAliasAsync("alias/current", CancellationToken.None);
        var error = await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Service.DescribeKeyAsync("alias/current", CancellationToken.None));
        Assert.Equal("Alias arn:aws:kms:eu-west-1:123456789012:alias/current is not found.", error.Message);
        await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Service.DeleteAliasAsync("alias/current", CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.NotFound, () => Service.UpdateAliasAsync("alias/current", first, CancellationToken.None));
    }

    [Fact]
    public async Task ListAliases_ShowsTheAwsS3AliasWithoutATarget_UntilItIsUsed()
    {
        var keyId = await Kms.CreateKeyAsync();
        await Service.CreateAliasAsync("alias/zeta", keyId, CancellationToken.None);
        await Service.CreateAliasAsync("alias/alpha", keyId, CancellationToken.None);

        var before = await Service.ListAliasesAsync(null, null, null, CancellationToken.None);

        Assert.Equal(["alias/alpha", "alias/aws/s3", "alias/zeta"], before.Items.Select(a => a.AliasName));
        Assert.Null(before.Items[1].TargetKeyId);
        var awsKey = await Service.DescribeKeyAsync("alias/aws/s3", CancellationToken.None);
        var after = await Service.ListAliasesAsync(null, null, null, CancellationToken.None);
        Assert.Equal(awsKey.KeyId, after.Items[1].TargetKeyId);
        var forKey = await Service.ListAliasesAsync(keyId, 1, null, CancellationToken.None);
        Assert.Equal("alias/alpha", Assert.Single(forKey.Items).AliasName);
        var rest = await Service.ListAliasesAsync(keyId, 1, forKey.NextMarker, CancellationToken.None);
        Assert.Equal("alias/zeta", Assert.Single(rest.Items).AliasName);
        Assert.False(rest.Truncated);
    }

    [Fact]
    public async Task AwsManagedKey_IsMadeOnFirstUse_AndCannotBeAdministered()
    {
        var awsKey = await Service.DescribeKeyAsync("alias/aws/s3", CancellationToken.None);

        Assert.Equal(KmsKeyManager.Aws, awsKey.Manager);
        Assert.Equal(365, awsKey.RotationPeriodInDays);
        Assert.Equal(awsKey, await Service.DescribeKeyAsync("alias/aws/s3", CancellationToken.None));
        Assert.Contains(awsKey.KeyId, (await Service.ListKeysAsync(null, null, CancellationToken.None)).Items.Select(k => k.KeyId));
        await KmsFixture.FailsAsync(KmsErrorCode.AccessDenied, () => Service.DisableKeyAsync(awsKey.KeyId, CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.AccessDenied, () => Service.ScheduleKeyDeletionAsync(awsKey.KeyId, 7, CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.AccessDenied, () => Service.RotateKeyOnDemandAsync(awsKey.KeyId, CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.AccessDenied, () => Service.DisableKeyRotationAsync(awsKey.KeyId, CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.AccessDenied, () => Kms.EncryptAsync("alias/aws/s3", "direct"));
        await KmsFixture.FailsAsync(KmsErrorCode.AccessDenied, () => Service.CreateAliasAsync("alias/mine", awsKey.KeyId, CancellationToken.None));
        await KmsFixture.FailsAsync(KmsErrorCode.NotAuthorized, () => Service.DeleteAliasAsync("alias/aws/s3", CancellationToken.None));

        using var dataKey = await Kms.DataKeys.GenerateDataKeyAsync("alias/aws/s3", KmsFixture.Context(), CancellationToken.None);
        Assert.Equal(awsKey.Arn, dataKey.KeyArn);
    }
}
