using Coffer.Bench.Cli;
using Coffer.Bench.Measurement;
using Coffer.Bench.Reporting;

namespace Coffer.Bench.S3;

/// <summary>
/// What the benchmark commands share around their phases: a deadline per phase, a single timed
/// operation, clean-up that reports instead of failing the run, and the printed table row.
/// </summary>
internal sealed class PhaseRunner(TimeSpan phaseTimeout, TimeProvider time, TextWriter output)
{
    public List<PhaseResult> Phases { get; } = [];

    public TimeSpan PhaseTimeout => phaseTimeout;

    /// <summary>Errors a phase survives (it reports them); anything else stops the command.</summary>
    public static bool IsRequestFailure(Exception e) => e is BenchException or HttpRequestException or IOException;

    /// <summary>A token cancelled after <paramref name="limit"/> or the phase timeout, whichever is shorter.</summary>
    public CancellationTokenSource Deadline(CancellationToken cancellationToken, TimeSpan? limit = null)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(limit is { } l && l < phaseTimeout ? l : phaseTimeout);
        return source;
    }

    /// <param name="operation">Returns the server's time to answer after the body, when that means something.</param>
    public async Task<PhaseResult> RunSingleAsync(string name, long bytes, Func<CancellationToken, Task<TimeSpan?>> operation, CancellationToken cancellationToken)
    {
        var samples = new LatencySamples(1);
        string? error = null;
        TimeSpan? afterBody = null;
        using var deadline = Deadline(cancellationToken);
        var start = time.GetTimestamp();
        try
        {
            afterBody = await operation(deadline.Token);
            samples.Add(time.GetElapsedTime(start));
        }
        catch (Exception e) when (IsRequestFailure(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            error = e is OperationCanceledException ? TimedOut() : e.Message;
        }

        return PhaseResult.From(name, samples, bytes, time.GetElapsedTime(start), error is null ? 0 : 1, error) with
        {
            ResponseAfterBodyMs = afterBody?.TotalMilliseconds,
        };
    }

    public string TimedOut() => $"timed out after {phaseTimeout.TotalSeconds:0}s";

    public void Report(PhaseResult phase)
    {
        Phases.Add(phase);
        ResultTable.WriteRow(output, phase);
        if (phase.FirstError is not null)
        {
            output.WriteLine($"  {phase.Name}: {phase.Errors} failed; first: {phase.FirstError}");
        }

        if (phase.ResponseAfterBodyMs is { } afterBody)
        {
            output.WriteLine($"  {phase.Name}: body sent in {(phase.Seconds * 1000) - afterBody:0} ms, answer {afterBody:0} ms after the last byte (server commit)");
        }
    }

    /// <summary>Runs a clean-up step within the phase timeout; a failure is printed, not thrown.</summary>
    public async Task CleanUpAsync(Func<CancellationToken, Task> step, CancellationToken cancellationToken)
    {
        using var deadline = Deadline(cancellationToken);
        try
        {
            await step(deadline.Token);
        }
        catch (Exception e) when (IsRequestFailure(e) || e is OperationCanceledException)
        {
            output.WriteLine($"  clean-up: {e.Message}");
        }
    }
}
