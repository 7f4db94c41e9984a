using Coffer.Audit.Segments;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Audit.Lookup;

/// <summary>
/// Keeps the lookup index following the journal in the background (every
/// <see cref="Interval"/>, or at once when a lookup asks) and answers lookups over the last
/// <see cref="Window"/>, as CloudTrail's event history does. Requests never wait on it; a lookup
/// waits, briefly, only for records committed before it arrived, so a caller sees its own requests.
/// </summary>
public sealed class AuditLookupService : IDisposable
{
    /// <summary>How far back lookups reach; older events are removed from the index.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(90);

    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly AuditLookupIndex _index;
    private readonly AuditSegmentWriter _journal;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private TaskCompletionSource _passed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private AuditJournalPosition _caughtUp = new(0, 0);

    public AuditLookupService(AuditLookupIndex index, AuditSegmentWriter journal, TimeProvider time, ILogger<AuditLookupService>? logger = null)
    {
        _index = index;
        _journal = journal;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>How often the index looks for new records when nobody asks.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a lookup waits for the index to reach the journal before answering with what it has.</summary>
    public TimeSpan ReadYourWritesTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The journal position the index holds everything up to.</summary>
    public AuditJournalPosition CaughtUp => Volatile.Read(ref _caughtUp);

    /// <summary>Follows the journal and prunes old events until <paramref name="cancellationToken"/> stops it.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        var nextPrune = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            // Everything committed before the pass starts is indexed once it ends.
            var target = _journal.Committed;
            try
            {
                await _index.CatchUpAsync(_journal, cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _caughtUp, target);
                failures = 0;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                AuditLookupLog.CatchUpFailed(_logger, Backoff(failures), e);
            }

            Interlocked.Exchange(ref _passed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            if (_time.GetUtcNow() >= nextPrune)
            {
                await PruneAsync(cancellationToken).ConfigureAwait(false);
                nextPrune = _time.GetUtcNow() + PruneInterval;
            }

            try
            {
                await _wake.WaitAsync(failures == 0 ? Interval : Backoff(failures), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Asks for a pass now rather than at the next interval.</summary>
    public void Signal()
    {
        try
        {
            if (_wake.CurrentCount == 0)
            {
                _wake.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another caller signalled first: one pass serves both.
        }
    }

    /// <summary>
    /// One page of events within the lookup window, once the index holds what the journal had
    /// committed when the call began (or <see cref="ReadYourWritesTimeout"/> passed).
    /// </summary>
    public async Task<AuditLookupPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await WaitForAsync(_journal.Committed, ReadYourWritesTimeout, cancellationToken).ConfigureAwait(false);
        var oldest = _time.GetUtcNow() - Window;
        if (query.StartTime is null || query.StartTime < oldest)
        {
            query = query with { StartTime = query.EndTime is { } end && end < oldest ? end : oldest };
        }

        return await _index.QueryAsync(query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits until the index holds everything up to <paramref name="target"/>; false when the time ran out first.</summary>
    public async Task<bool> WaitForAsync(AuditJournalPosition target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (true)
        {
            var passed = Volatile.Read(ref _passed).Task;
            if (Holds(CaughtUp, target))
            {
                return true;
            }

            var left = timeout - _time.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            Signal();
            try
            {
                await passed.WaitAsync(left, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
    }

    /// <summary>Removes events older than the window; runs in the background loop, hourly.</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = _time.GetUtcNow() - Window;
        try
        {
            var removed = await _index.DeleteOlderThanAsync(cutoff, cancellationToken).ConfigureAwait(false);
            if (removed > 0)
            {
                AuditLookupLog.Pruned(_logger, removed, cutoff);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            AuditLookupLog.PruneFailed(_logger, e);
        }
    }

    public void Dispose() => _wake.Dispose();

    private static bool Holds(AuditJournalPosition caughtUp, AuditJournalPosition target) =>
        caughtUp.Sequence > target.Sequence || (caughtUp.Sequence == target.Sequence && caughtUp.Length >= target.Length);

    private static TimeSpan Backoff(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, TimeSpan.FromSeconds(1).Ticks << Math.Min(failures, 5)));
}
