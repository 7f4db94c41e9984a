using Coffer.Storage.Versions;

namespace Coffer.Storage.Tests.Versions;

public sealed class VersionIdsTests
{
    [Fact]
    public void Next_UnderAStoppedClock_StillMakesUniqueIdsThatSortNewestFirst()
    {
        var ids = new VersionIds(new StoppedClock(TestObjects.Time));

        var made = Enumerable.Range(0, 1000).Select(_ => ids.Next()).ToList();

        Assert.All(made, id => Assert.Equal(VersionIds.Length, id.Length));
        Assert.All(made, id => Assert.True(VersionIds.IsWellFormed(id)));
        Assert.Equal(made.Count, made.Distinct().Count());
        var newestFirst = made.AsEnumerable().Reverse().ToList();
        Assert.Equal(newestFirst, made.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Next_EncodesTheClockInMicroseconds()
    {
        var ids = new VersionIds(new StoppedClock(TestObjects.Time));

        var id = ids.Next();

        Assert.Equal((TestObjects.Time - DateTimeOffset.UnixEpoch).Ticks / 10, VersionIds.MicrosOf(id));
    }

    [Fact]
    public void Next_LaterClock_SortsBeforeEarlierIds()
    {
        var clock = new StoppedClock(TestObjects.Time);
        var ids = new VersionIds(clock);
        var first = ids.Next();
        clock.Now += TimeSpan.FromDays(3650);

        var second = ids.Next();

        Assert.True(string.CompareOrdinal(second, first) < 0);
    }

    [Fact]
    public void OlderAndNewer_SortRightAfterAndRightBefore()
    {
        var id = new VersionIds(TimeProvider.System).Next();

        var older = VersionIds.Older(id);
        var newer = VersionIds.Newer(id);

        Assert.True(string.CompareOrdinal(older, id) > 0);
        Assert.True(string.CompareOrdinal(newer, id) < 0);
        Assert.Equal(VersionIds.MicrosOf(id) - 1, VersionIds.MicrosOf(older));
        Assert.Equal(VersionIds.MicrosOf(id) + 1, VersionIds.MicrosOf(newer));
    }

    [Fact]
    public void Ids_AreUrlSafe()
    {
        var ids = new VersionIds(TimeProvider.System);

        Assert.All(Enumerable.Range(0, 200).Select(_ => ids.Next()), id => Assert.Equal(id, Uri.EscapeDataString(id)));
    }

    [Theory]
    [InlineData("null", true)]
    [InlineData("Null", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", false)]
    [InlineData("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrH", false)]
    [InlineData("3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrH", true)]
    [InlineData("../../../../etc/passwd_aaaaaaaaa", false)]
    public void IsWellFormed_AcceptsOnlyNullAndThisFormat(string? id, bool expected) =>
        Assert.Equal(expected, VersionIds.IsWellFormed(id));

    private sealed class StoppedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
