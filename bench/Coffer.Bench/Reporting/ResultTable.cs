using Coffer.Bench.Measurement;

namespace Coffer.Bench.Reporting;

/// <summary>The plain-text table the <c>s3</c> command prints as each phase finishes.</summary>
internal static class ResultTable
{
    public static void WriteHeader(TextWriter output)
    {
        output.WriteLine($"{"phase",-13}{"ops",8}{"errors",8}{"seconds",10}{"MiB/s",10}{"ops/s",10}{"p50 ms",10}{"p90 ms",10}{"p99 ms",10}{"max ms",10}");
    }

    public static void WriteRow(TextWriter output, PhaseResult phase)
    {
        output.WriteLine(
            $"{phase.Name,-13}{phase.Operations,8}{phase.Errors,8}{phase.Seconds,10:0.000}{phase.MiBPerSecond,10:0.0}{phase.OpsPerSecond,10:0.0}" +
            $"{phase.P50Ms,10:0.00}{phase.P90Ms,10:0.00}{phase.P99Ms,10:0.00}{phase.MaxMs,10:0.00}");
    }
}
