namespace Coffer.Bench.Measurement;

/// <summary>What one timed phase achieved; the unit of the JSON report and the results table.</summary>
internal sealed record PhaseResult
{
    public required string Name { get; init; }

    /// <summary>Operations that succeeded and were verified.</summary>
    public required int Operations { get; init; }

    public required int Errors { get; init; }

    /// <summary>Payload bytes moved by the successful operations.</summary>
    public required long Bytes { get; init; }

    public required double Seconds { get; init; }

    public required double MiBPerSecond { get; init; }

    public required double OpsPerSecond { get; init; }

    public required double P50Ms { get; init; }

    public required double P90Ms { get; init; }

    public required double P99Ms { get; init; }

    public required double MaxMs { get; init; }

    public string? FirstError { get; init; }

    /// <summary>For a single PUT: from the last body byte sent to the server's answer, i.e. its commit (fsync) time.</summary>
    public double? ResponseAfterBodyMs { get; init; }

    public static PhaseResult From(string name, LatencySamples samples, long bytesPerOperation, TimeSpan elapsed, int errors, string? firstError) =>
        FromTotal(name, samples, samples.Count * bytesPerOperation, elapsed, errors, firstError);

    /// <summary>For phases whose operations move different amounts, or whose bytes count only as a whole (a multipart upload).</summary>
    public static PhaseResult FromTotal(string name, LatencySamples samples, long bytes, TimeSpan elapsed, int errors, string? firstError)
    {
        var latency = samples.Summarize();
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        return new PhaseResult
        {
            Name = name,
            Operations = samples.Count,
            Errors = errors,
            Bytes = bytes,
            Seconds = elapsed.TotalSeconds,
            MiBPerSecond = bytes / (1024.0 * 1024.0) / seconds,
            OpsPerSecond = samples.Count / seconds,
            P50Ms = latency.P50,
            P90Ms = latency.P90,
            P99Ms = latency.P99,
            MaxMs = latency.Max,
            FirstError = firstError,
        };
    }
}
