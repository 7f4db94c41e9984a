using Coffer.Storage.Lifecycle;

namespace Coffer.Storage.Tests.Lifecycle;

public sealed class LifecycleRuleTests
{
    private static readonly DateTimeOffset Written = new(2014, 1, 15, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public void DueAfter_RoundsUpToTheNextMidnightUtc_AsS3Documents()
    {
        // S3's own example: written 2014-01-15 10:30 UTC, 3 days → due 2014-01-19 00:00 UTC.
        Assert.Equal(new DateTimeOffset(2014, 1, 19, 0, 0, 0, TimeSpan.Zero), LifecycleRule.DueAfter(Written, 3));
    }

    [Fact]
    public void DueAfter_CountsInUtc_WhateverTheOffsetTheTimeCarries()
    {
        var lateEvening = new DateTimeOffset(2014, 1, 15, 23, 30, 0, TimeSpan.FromHours(-5));

        Assert.Equal(new DateTimeOffset(2014, 1, 18, 0, 0, 0, TimeSpan.Zero), LifecycleRule.DueAfter(lateEvening, 1));
    }

    [Fact]
    public void ExpiresCurrent_Days_FromTheDueMidnightOn()
    {
        var rule = new LifecycleRule { ExpirationDays = 3 };
        var due = new DateTimeOffset(2014, 1, 19, 0, 0, 0, TimeSpan.Zero);

        Assert.False(rule.ExpiresCurrent(Written, due.AddTicks(-1)));
        Assert.True(rule.ExpiresCurrent(Written, due));
    }

    [Fact]
    public void ExpiresCurrent_Date_EverythingFromThatDateOn()
    {
        var date = new DateTimeOffset(2020, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var rule = new LifecycleRule { ExpirationDate = date };

        Assert.False(rule.ExpiresCurrent(date.AddDays(-10), date.AddSeconds(-1)));
        Assert.True(rule.ExpiresCurrent(date.AddDays(-10), date));
        Assert.True(rule.ExpiresCurrent(date.AddDays(5), date.AddDays(5)));
    }

    [Fact]
    public void ExpiresCurrent_WithoutDaysOrDate_Never()
    {
        Assert.False(new LifecycleRule { ExpiredObjectDeleteMarker = true, HasExpiredObjectDeleteMarker = true }.ExpiresCurrent(Written, Written.AddYears(10)));
        Assert.False(new LifecycleRule { NoncurrentDays = 1 }.ExpiresCurrent(Written, Written.AddYears(10)));
    }

    [Fact]
    public void ExpiresNoncurrent_CountsFromWhenTheSuccessorWasWritten()
    {
        var rule = new LifecycleRule { NoncurrentDays = 1 };
        var superseded = Written.AddDays(10);

        Assert.False(rule.ExpiresNoncurrent(superseded, 0, Written.AddDays(11)));
        Assert.True(rule.ExpiresNoncurrent(superseded, 0, new DateTimeOffset(2014, 1, 27, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void ExpiresNoncurrent_KeepsTheNewestNoncurrentVersions()
    {
        var rule = new LifecycleRule { NoncurrentDays = 1, NewerNoncurrentVersions = 2 };
        var later = Written.AddDays(30);

        Assert.False(rule.ExpiresNoncurrent(Written, 0, later));
        Assert.False(rule.ExpiresNoncurrent(Written, 1, later));
        Assert.True(rule.ExpiresNoncurrent(Written, 2, later));
        Assert.True(rule.ExpiresNoncurrent(Written, 5, later));
    }

    [Fact]
    public void AbortsUpload_AfterDaysAfterInitiation()
    {
        var rule = new LifecycleRule { AbortDaysAfterInitiation = 7 };

        Assert.False(rule.AbortsUpload(Written, Written.AddDays(7)));
        Assert.True(rule.AbortsUpload(Written, Written.AddDays(8)));
        Assert.False(new LifecycleRule { ExpirationDays = 1 }.AbortsUpload(Written, Written.AddYears(1)));
    }

    [Theory]
    [InlineData("logs/a", 50, true)]
    [InlineData("logs/a", 10, false)]
    [InlineData("logs/a", 100, false)]
    [InlineData("other/a", 50, false)]
    public void Filter_PrefixAndStrictSizeBounds(string key, long size, bool expected)
    {
        var filter = new LifecycleFilter { Prefix = "logs/", ObjectSizeGreaterThan = 10, ObjectSizeLessThan = 100, Shape = FilterShape.And };

        Assert.Equal(expected, filter.Matches(key, [], size));
    }

    [Fact]
    public void Filter_Tags_AllMustBeOnTheVersion()
    {
        var filter = new LifecycleFilter { Tags = [new("a", "1"), new("b", "2")], Shape = FilterShape.And };

        Assert.True(filter.Matches("k", [new("b", "2"), new("c", "3"), new("a", "1")], 0));
        Assert.False(filter.Matches("k", [new("a", "1")], 0));
        Assert.False(filter.Matches("k", [new("a", "1"), new("b", "other")], 0));
    }

    [Fact]
    public void Filter_DeleteMarkers_OnlyWithoutTagsOrSizes()
    {
        Assert.True(new LifecycleFilter { Prefix = "p/" }.MatchesDeleteMarker("p/x"));
        Assert.False(new LifecycleFilter { Prefix = "p/" }.MatchesDeleteMarker("q/x"));
        Assert.False(new LifecycleFilter { Tags = [new("a", "1")] }.MatchesDeleteMarker("p/x"));
        Assert.False(new LifecycleFilter { ObjectSizeLessThan = 5 }.MatchesDeleteMarker("p/x"));
        Assert.True(new LifecycleFilter().MatchesDeleteMarker("anything"));
    }
}
