using Coffer.Identity.AccessKeys;

namespace Coffer.Protocol.Tests.Identity;

public sealed class ScheduledDeactivationTests
{
    private static readonly DateTimeOffset Noon = new(2026, 1, 31, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TagKey_IsThePrefixAndTheKeyId()
    {
        Assert.Equal("coffer:deactivate-key/AKIAEXAMPLE000000001", ScheduledDeactivation.TagKey("AKIAEXAMPLE000000001"));
    }

    [Fact]
    public void Format_IsUtcToTheSecond_AndParsesBack()
    {
        var text = ScheduledDeactivation.Format(new DateTimeOffset(2026, 1, 31, 13, 0, 0, 500, TimeSpan.FromHours(1)));

        Assert.Equal("2026-01-31T12:00:00Z", text);
        Assert.True(ScheduledDeactivation.TryParse(text, out var parsed));
        Assert.Equal(Noon, parsed);
    }

    [Theory]
    [InlineData("2026-01-31T12:00:00Z")]
    [InlineData("2026-01-31T12:00:00.000Z")]
    [InlineData("2026-01-31T14:00:00+02:00")]
    [InlineData("2026-01-31T07:00:00.0-05:00")]
    public void TryParse_IsoTimesWithAZone_AreTheSameInstant(string text)
    {
        Assert.True(ScheduledDeactivation.TryParse(text, out var at));
        Assert.Equal(Noon, at);
        Assert.Equal(TimeSpan.Zero, at.Offset);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("2026-01-31T12:00:00")]
    [InlineData("2026-01-31")]
    [InlineData("31/01/2026 12:00")]
    [InlineData("2026-02-30T12:00:00Z")]
    public void TryParse_AnythingElse_IsRefused(string text)
    {
        Assert.False(ScheduledDeactivation.TryParse(text, out _));
    }

    [Fact]
    public void All_ReadsOnlyScheduleTagsWithReadableTimes_AnyCase()
    {
        KeyValuePair<string, string>[] tags =
        [
            new("team", "red"),
            new("coffer:deactivate-key/AKIAONE", "2026-01-31T12:00:00Z"),
            new("Coffer:Deactivate-Key/AKIATWO", "2026-02-01T00:00:00Z"),
            new("coffer:deactivate-key/AKIABAD", "soon"),
            new("coffer:deactivate-key/", "2026-01-31T12:00:00Z"),
        ];

        var schedule = ScheduledDeactivation.All(tags);

        Assert.Equal(2, schedule.Count);
        Assert.Equal(Noon, schedule["AKIAONE"]);
        Assert.Equal(Noon.AddHours(12), ScheduledDeactivation.For(tags, "AKIATWO"));
        Assert.Null(ScheduledDeactivation.For(tags, "AKIABAD"));
        Assert.Null(ScheduledDeactivation.For(tags, "AKIATHREE"));
    }

    [Fact]
    public void IsActive_UntilTheTimeOnly_AndNeverForAnInactiveKey()
    {
        Assert.True(ScheduledDeactivation.IsActive(true, null, Noon));
        Assert.True(ScheduledDeactivation.IsActive(true, Noon, Noon.AddTicks(-1)));
        Assert.False(ScheduledDeactivation.IsActive(true, Noon, Noon));
        Assert.False(ScheduledDeactivation.IsActive(false, Noon.AddDays(1), Noon));
        Assert.False(ScheduledDeactivation.IsActive(false, null, Noon));
    }
}
