using Coffer.Storage.Objects;
using Microsoft.Extensions.Logging;

namespace Coffer.Storage.Lifecycle;

/// <summary>
/// Applies every enabled lifecycle rule of every bucket: expires current versions, removes
/// noncurrent versions and expired delete markers, aborts old multipart uploads. It reads in
/// bounded pages by key and deletes through <see cref="ObjectStore"/> one version per
/// transaction, so requests are never held up for long; a version the store refuses to remove
/// (e.g. under object lock) is skipped, not fatal.
/// </summary>
public sealed partial class LifecycleWorker(ObjectStore store, TimeProvider clock, ILogger<LifecycleWorker> logger)
{
    public const int PageSize = 500;

    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>Runs a pass now and then every <paramref name="interval"/> until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogPassFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One pass over every bucket; null when a pass is already running (passes never overlap).</summary>
    public async Task<LifecycleResult?> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!await _pass.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        try
        {
            var pass = new Pass(clock.GetUtcNow());
            foreach (var bucket in await store.Metadata.ListBucketsAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    await ApplyAsync(bucket.Name, pass, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // One bucket's trouble must not starve the others.
                    LogBucketFailed(logger, e, bucket.Name);
                }
            }

            var result = pass.Result();
            if (result.Total + result.Skipped > 0)
            {
                LogPassDone(logger, result.CurrentExpired, result.NoncurrentRemoved, result.DeleteMarkersRemoved, result.UploadsAborted, result.Skipped);
            }

            return result;
        }
        finally
        {
            _pass.Release();
        }
    }

    private async Task ApplyAsync(string bucket, Pass pass, CancellationToken cancellationToken)
    {
        string? stored;
        try
        {
            stored = await store.Metadata.GetBucketConfigAsync(bucket, LifecycleConfiguration.ConfigName, cancellationToken).ConfigureAwait(false);
        }
        catch (StorageException e) when (e.Error == StorageError.NoSuchBucket)
        {
            return;
        }

        if (stored is null)
        {
            return;
        }

        var rules = LifecycleConfiguration.FromJson(stored).Rules.Where(r => r.Enabled).ToList();
        if (rules.Any(r => r.HasExpiration || r.NoncurrentDays is not null))
        {
            await ScanVersionsAsync(bucket, rules, pass, cancellationToken).ConfigureAwait(false);
        }

        var aborting = rules.Where(r => r.AbortDaysAfterInitiation is not null).ToList();
        if (aborting.Count > 0)
        {
            await ScanUploadsAsync(bucket, aborting, pass, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ScanVersionsAsync(string bucket, List<LifecycleRule> rules, Pass pass, CancellationToken cancellationToken)
    {
        byte[]? afterKey = null;
        string? afterVersion = null;
        KeyState? key = null;
        while (true)
        {
            var page = await store.Metadata.ScanVersionsAsync(bucket, afterKey, afterVersion, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var row in page)
            {
                if (key is null || key.Key != row.Key)
                {
                    await FinishKeyAsync(bucket, key, rules, pass, cancellationToken).ConfigureAwait(false);
                    key = new KeyState(row.Key);
                }

                await VisitAsync(bucket, key, row, rules, pass, cancellationToken).ConfigureAwait(false);
            }

            if (page.Count < PageSize)
            {
                break;
            }

            (afterKey, afterVersion) = (page[^1].KeyBytes, page[^1].SortKey);

            // Let requests queued behind this pass's deletions go first.
            await Task.Yield();
        }

        await FinishKeyAsync(bucket, key, rules, pass, cancellationToken).ConfigureAwait(false);
    }

    private async Task VisitAsync(string bucket, KeyState key, VersionRow row, List<LifecycleRule> rules, Pass pass, CancellationToken cancellationToken)
    {
        key.Versions++;
        var successorWritten = key.SuccessorWritten;
        key.SuccessorWritten = row.LastModified;
        if (row.IsLatest)
        {
            if (row.IsDeleteMarker)
            {
                key.CurrentMarker = row;
            }
            else if (rules.Any(r => r.ExpiresCurrent(row.LastModified, pass.Now) && r.Filter.Matches(row.Key, row.Tags, row.Size)))
            {
                // Versioned (or suspended): a delete marker; never versioned: the object goes.
                if (await TryDeleteAsync(bucket, row, versionId: null, pass, cancellationToken).ConfigureAwait(false))
                {
                    pass.CurrentExpired++;
                }
            }

            return;
        }

        // A version became noncurrent when the next newer one was written.
        var newerNoncurrent = key.Noncurrent++;
        var noncurrentSince = successorWritten ?? row.LastModified;
        if (rules.Any(r => r.ExpiresNoncurrent(noncurrentSince, newerNoncurrent, pass.Now)
            && (row.IsDeleteMarker ? r.Filter.MatchesDeleteMarker(row.Key) : r.Filter.Matches(row.Key, row.Tags, row.Size))))
        {
            if (await TryDeleteAsync(bucket, row, row.PublicVersionId, pass, cancellationToken).ConfigureAwait(false))
            {
                pass.NoncurrentRemoved++;
            }
        }
    }

    /// <summary>A current delete marker with no version behind it is an expired object delete marker.</summary>
    private async Task FinishKeyAsync(string bucket, KeyState? key, List<LifecycleRule> rules, Pass pass, CancellationToken cancellationToken)
    {
        if (key?.CurrentMarker is not { } marker || key.Versions != 1
            || !rules.Any(r => r.ExpiredObjectDeleteMarker && r.Filter.MatchesDeleteMarker(key.Key)))
        {
            return;
        }

        if (await TryDeleteAsync(bucket, marker, marker.PublicVersionId, pass, cancellationToken).ConfigureAwait(false))
        {
            pass.DeleteMarkersRemoved++;
        }
    }

    private async Task<bool> TryDeleteAsync(string bucket, VersionRow row, string? versionId, Pass pass, CancellationToken cancellationToken)
    {
        try
        {
            // Only if the row is still the version this pass looked at: a write since then is left alone.
            var result = await store.DeleteAsync(bucket, row.Key, versionId, new WriteCondition(IfVersionId: row.SortKey), bypassGovernance: false, cancellationToken).ConfigureAwait(false);
            return versionId is null
                ? result.Previous is not null && (result.Previous.VersionId ?? string.Empty) == row.SortKey
                : result.Written is not null;
        }
        catch (StorageException e)
        {
            pass.Skipped++;
            LogSkipped(logger, bucket, row.Key, row.PublicVersionId, e.Error);
            return false;
        }
    }

    private async Task ScanUploadsAsync(string bucket, List<LifecycleRule> rules, Pass pass, CancellationToken cancellationToken)
    {
        string? keyMarker = null;
        string? uploadIdMarker = null;
        while (true)
        {
            var page = await store.Metadata.ListUploadsAsync(bucket, string.Empty, keyMarker, uploadIdMarker, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var upload in page)
            {
                if (!rules.Any(r => r.Filter.MatchesKey(upload.Key) && r.AbortsUpload(upload.Initiated, pass.Now)))
                {
                    continue;
                }

                try
                {
                    await store.AbortUploadAsync(bucket, upload.Key, upload.UploadId, cancellationToken).ConfigureAwait(false);
                    pass.UploadsAborted++;
                }
                catch (StorageException e)
                {
                    // Completed or aborted by a client meanwhile.
                    pass.Skipped++;
                    LogSkipped(logger, bucket, upload.Key, upload.UploadId, e.Error);
                }
            }

            if (page.Count < PageSize)
            {
                return;
            }

            (keyMarker, uploadIdMarker) = (page[^1].Key, page[^1].UploadId);
            await Task.Yield();
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Lifecycle: expired {Current} current versions, removed {Noncurrent} noncurrent versions and {Markers} expired delete markers, aborted {Uploads} uploads; skipped {Skipped}")]
    private static partial void LogPassDone(ILogger logger, int current, int noncurrent, int markers, int uploads, int skipped);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Lifecycle: left {Bucket}/{Key} version {VersionId} alone: {Error}")]
    private static partial void LogSkipped(ILogger logger, string bucket, string key, string versionId, StorageError error);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Lifecycle: applying the rules of bucket {Bucket} failed")]
    private static partial void LogBucketFailed(ILogger logger, Exception exception, string bucket);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Lifecycle: a pass failed")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    /// <summary>What the scan knows of the key it is in: versions come current first, then newest first.</summary>
    private sealed class KeyState(string key)
    {
        public string Key => key;

        public int Versions { get; set; }

        public int Noncurrent { get; set; }

        /// <summary>When the version just visited (the successor of the next one) was written.</summary>
        public DateTimeOffset? SuccessorWritten { get; set; }

        public VersionRow? CurrentMarker { get; set; }
    }

    private sealed class Pass(DateTimeOffset now)
    {
        public DateTimeOffset Now => now;

        public int CurrentExpired { get; set; }

        public int NoncurrentRemoved { get; set; }

        public int DeleteMarkersRemoved { get; set; }

        public int UploadsAborted { get; set; }

        public int Skipped { get; set; }

        public LifecycleResult Result() => new(CurrentExpired, NoncurrentRemoved, DeleteMarkersRemoved, UploadsAborted, Skipped);
    }
}
