namespace Coffer.Audit.Delivery;

/// <summary>When digests end: on multiples of the interval since the Unix epoch, in whole seconds as digests write times.</summary>
internal static class DigestSchedule
{
    /// <summary>The latest period end at or before <paramref name="now"/>.</summary>
    public static DateTimeOffset PeriodEnd(DateTimeOffset now, TimeSpan interval)
    {
        var sinceEpoch = now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return new DateTimeOffset(now.UtcTicks - (sinceEpoch % interval.Ticks), TimeSpan.Zero);
    }

    /// <summary>
    /// The end of the digest due now, after the one that ended at <paramref name="previousEnd"/>; null
    /// when none is due yet. After a stop, one digest spans the whole time the server was down.
    /// </summary>
    public static DateTimeOffset? Due(DateTimeOffset now, TimeSpan interval, DateTimeOffset previousEnd)
    {
        var end = PeriodEnd(now, interval);
        return end > previousEnd ? end : null;
    }

    /// <summary>When to look again: the next period end after <paramref name="now"/>.</summary>
    public static DateTimeOffset Next(DateTimeOffset now, TimeSpan interval) => PeriodEnd(now, interval) + interval;

    public static bool IsValidInterval(TimeSpan interval) =>
        interval >= TimeSpan.FromSeconds(1) && interval.Ticks % TimeSpan.TicksPerSecond == 0;
}
