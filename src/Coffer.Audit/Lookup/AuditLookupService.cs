using Coffer.Audit.Segments;
using Coffer.Storage.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coffer.Audit.Lookup;

/// <summary>
/// Keeps the lookup index following the journal in the background (every <see cref="Interval"/>)
/// and answers lookups over the last <see cref="Window"/>, as CloudTrail's event history does.
/// Requests never wait on it: the background thread runs at a low priority, so under load the
/// index falls behind rather than taking CPU from requests, and catches up when they ease. A
/// lookup indexes what is still missing itself, at its own priority, so a caller sees its own
/// requests.
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
    private AuditJournalPosition _caughtUp = new(0, 0);

    public AuditLookupService(AuditLookupIndex index, TimeProvider time, ILogger<AuditLookupService>? logger = null)
    {
        _index = index;
        _journal = index.Journal;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>How often the index looks for new records when nobody asks.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a lookup spends indexing what the journal holds before answering with what it has.</summary>
    public TimeSpan ReadYourWritesTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The journal position the index holds everything up to.</summary>
    public AuditJournalPosition CaughtUp => Volatile.Read(ref _caughtUp);

    /// <summary>
    /// Follows the journal and prunes old events, on a background thread of its own at a low
    /// priority, until <paramref name="cancellationToken"/> stops it; the task ends with the thread.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                BackgroundPriority.LowerCurrentThread();
                Run(cancellationToken);
                stopped.TrySetResult();
            }
            catch (Exception e)
            {
                stopped.TrySetException(e);
            }
        })
        { IsBackground = true, Name = "coffer-audit-index" }.Start();
        return stopped.Task;
    }

    private void Run(CancellationToken cancellationToken)
    {
        var failures = 0;
        var nextPrune = _time.GetUtcNow();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                CatchUp(_journal.Committed, TimeSpan.MaxValue, cancellationToken);
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

            if (_time.GetUtcNow() >= nextPrune)
            {
                Prune(cancellationToken);
                nextPrune = _time.GetUtcNow() + PruneInterval;
            }

            try
            {
                _wake.Wait(failures == 0 ? Interval : Backoff(failures), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Asks the background thread for a pass now rather than at the next interval.</summary>
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
        try
        {
            // Read-only records reach the disk a little after their responses; a lookup sees them at once.
            await _journal.SyncAsync(cancellationToken).WaitAsync(ReadYourWritesTimeout, cancellationToken).ConfigureAwait(false);
            WaitFor(_journal.Committed, ReadYourWritesTimeout, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The background thread logs and retries the same failure; the lookup answers from what is indexed.
            AuditLookupLog.LookupCatchUpFailed(_logger, e);
        }

        var oldest = _time.GetUtcNow() - Window;
        if (query.StartTime is null || query.StartTime < oldest)
        {
            query = query with { StartTime = query.EndTime is { } end && end < oldest ? end : oldest };
        }

        return await _index.QueryAsync(query, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes the index hold everything up to <paramref name="target"/>, indexing on the calling
    /// thread what the background thread has not; false when <paramref name="timeout"/> ran out first.
    /// </summary>
    public bool WaitFor(AuditJournalPosition target, TimeSpan timeout, CancellationToken cancellationToken) =>
        Holds(CaughtUp, target) || CatchUp(target, timeout, cancellationToken);

    /// <summary>Indexes batch by batch up to <paramref name="target"/>; false when the time ran out first.</summary>
    private bool CatchUp(AuditJournalPosition target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        while (_index.IndexNext(target, cancellationToken) > 0)
        {
            if (Holds(CaughtUp, target))
            {
                return true;
            }

            if (_time.GetElapsedTime(started) >= timeout)
            {
                return false;
            }
        }

        // Positions only move forward, whichever thread got there first.
        var seen = CaughtUp;
        while (!Holds(seen, target))
        {
            var previous = Interlocked.CompareExchange(ref _caughtUp, target, seen);
            if (ReferenceEquals(previous, seen))
            {
                break;
            }

            seen = previous;
        }

        return true;
    }

    /// <summary>Removes events older than the window; runs in the background loop, hourly.</summary>
    public void Prune(CancellationToken cancellationToken)
    {
        var cutoff = _time.GetUtcNow() - Window;
        try
        {
            var removed = _index.DeleteOlderThan(cutoff, cancellationToken);
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
