namespace Coffer.Bench.Measurement;

/// <summary>Per-operation latencies of one phase, recorded lock-free into a fixed array sized for the phase.</summary>
internal sealed class LatencySamples(int capacity)
{
    private readonly TimeSpan[] _samples = new TimeSpan[capacity];
    private int _count;

    public int Count => Math.Min(Volatile.Read(ref _count), _samples.Length);

    public void Add(TimeSpan elapsed)
    {
        var index = Interlocked.Increment(ref _count) - 1;
        if (index < _samples.Length)
        {
            _samples[index] = elapsed;
        }
    }

    /// <summary>Nearest-rank percentile in milliseconds; 0 when nothing was recorded.</summary>
    public LatencySummary Summarize()
    {
        var count = Count;
        if (count == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0);
        }

        var sorted = _samples.AsSpan(0, count).ToArray();
        Array.Sort(sorted);
        var total = TimeSpan.Zero;
        foreach (var sample in sorted)
        {
            total += sample;
        }

        return new LatencySummary(
            Percentile(sorted, 50),
            Percentile(sorted, 90),
            Percentile(sorted, 99),
            sorted[^1].TotalMilliseconds,
            total.TotalMilliseconds / count);
    }

    private static double Percentile(TimeSpan[] sorted, int percent)
    {
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)].TotalMilliseconds;
    }
}
