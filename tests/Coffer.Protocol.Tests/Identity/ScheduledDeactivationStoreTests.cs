using Coffer.Crypto;
using Coffer.Identity.AccessKeys;
using Coffer.Identity.Iam;
using Coffer.Storage.Sqlite;

namespace Coffer.Protocol.Tests.Identity;

/// <summary>The store's side of a scheduled deactivation: credentials, ListAccessKeys, and what cancels or settles it.</summary>
public sealed class ScheduledDeactivationStoreTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("coffer-identity-").FullName;
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero));
    private readonly MasterKey _masterKey = MasterKey.FromBase64(Convert.ToBase64String(new byte[32]));
    private SqliteDatabase _database = null!;
    private AccessKeyStore _keys = null!;
    private IamStore _iam = null!;
    private string _keyId = null!;

    public async Task InitializeAsync()
    {
        _database = SqliteDatabase.Open(Path.Combine(_directory, "metadata.db"));
        _keys = new AccessKeyStore(_database, _masterKey, _clock);
        _iam = new IamStore(_database, _keys, _clock, await _keys.EnsureAccountAsync(default));
        await _iam.CreateUserAsync("alice", "/", [], default);
        (var key, _) = await _iam.CreateAccessKeyAsync("alice", default);
        _keyId = key.AccessKeyId;
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _masterKey.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task ScheduledKey_IsActiveUntilTheTime_ThenInactiveForAuthenticationAndListing()
    {
        await ScheduleAsync(TimeSpan.FromHours(1));

        var credential = await _keys.FindAsync(_keyId, default);
        Assert.NotNull(credential);
        Assert.Equal(_clock.GetUtcNow().AddHours(1), credential.DeactivatesAt);
        Assert.True(credential.IsActiveAt(_clock.GetUtcNow()));
        Assert.True(await IsListedActiveAsync());

        _clock.Advance(TimeSpan.FromHours(1));

        // The same cached credential, judged at the new time.
        Assert.Same(credential, await _keys.FindAsync(_keyId, default));
        Assert.False(credential.IsActiveAt(_clock.GetUtcNow()));
        Assert.False(await IsListedActiveAsync());
    }

    [Fact]
    public async Task UpdateAccessKey_CancelsTheSchedule()
    {
        await ScheduleAsync(TimeSpan.FromHours(1));

        await _iam.UpdateAccessKeyAsync("alice", _keyId, active: true, default);
        _clock.Advance(TimeSpan.FromHours(2));

        Assert.DoesNotContain(await _iam.ListTagsAsync(IamEntityKind.User, "alice", default), t => t.Key.StartsWith(ScheduledDeactivation.TagPrefix, StringComparison.Ordinal));
        Assert.True((await _keys.FindAsync(_keyId, default))!.IsActiveAt(_clock.GetUtcNow()));
        Assert.True(await IsListedActiveAsync());
    }

    [Fact]
    public async Task DeleteAccessKey_RemovesTheScheduleTag()
    {
        await ScheduleAsync(TimeSpan.FromHours(1));

        await _iam.DeleteAccessKeyAsync("alice", _keyId, default);

        Assert.Empty(await _iam.ListTagsAsync(IamEntityKind.User, "alice", default));
    }

    [Fact]
    public async Task Untag_AfterTheTime_LeavesTheKeyInactive()
    {
        await ScheduleAsync(TimeSpan.FromMinutes(5));
        _clock.Advance(TimeSpan.FromMinutes(6));

        await _iam.UntagAsync(IamEntityKind.User, "alice", [ScheduledDeactivation.TagKey(_keyId)], default);

        Assert.False((await _keys.FindAsync(_keyId, default))!.IsActiveAt(_clock.GetUtcNow()));
        Assert.False(await IsListedActiveAsync());
    }

    [Fact]
    public async Task Untag_BeforeTheTime_CancelsTheSchedule()
    {
        await ScheduleAsync(TimeSpan.FromMinutes(5));

        await _iam.UntagAsync(IamEntityKind.User, "alice", [ScheduledDeactivation.TagKey(_keyId)], default);
        _clock.Advance(TimeSpan.FromMinutes(6));

        Assert.True(await IsListedActiveAsync());
    }

    [Fact]
    public async Task Tag_WithAnUnreadableTime_IsRefused()
    {
        var error = await Assert.ThrowsAsync<IamException>(() =>
            _iam.TagAsync(IamEntityKind.User, "alice", [new(ScheduledDeactivation.TagKey(_keyId), "tomorrow")], default));

        Assert.Equal(IamError.InvalidInput, error.Error);
        Assert.True(await IsListedActiveAsync());
    }

    private Task ScheduleAsync(TimeSpan after) =>
        _iam.TagAsync(IamEntityKind.User, "alice", [new(ScheduledDeactivation.TagKey(_keyId), ScheduledDeactivation.Format(_clock.GetUtcNow() + after))], default);

    private async Task<bool> IsListedActiveAsync() =>
        Assert.Single(await _iam.ListAccessKeysAsync("alice", default)).IsActive;
}
