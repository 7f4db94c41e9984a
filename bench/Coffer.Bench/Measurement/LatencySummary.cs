namespace Coffer.Bench.Measurement;

/// <summary>Latency percentiles of one phase, in milliseconds.</summary>
internal readonly record struct LatencySummary(double P50, double P90, double P99, double Max, double Mean);
