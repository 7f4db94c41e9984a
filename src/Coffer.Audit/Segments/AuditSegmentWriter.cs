using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Coffer.Audit.Chain;
using Coffer.Audit.Records;
using Coffer.Storage.Blobs.FileSystem;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Coffer.Audit.Segments;

/// <summary>
/// The durable audit journal. A caller serialises its record on its own thread, then chains it
/// and writes it to the active segment under one lock: once the call returns, the record is in
/// the file (it survives the server being killed). A record that must be on disk before the
/// response, which is every record but a read-only request's unless
/// <see cref="AuditOptions.SyncReadOnly"/>, waits for the sync thread's next fsync; while one fsync
/// runs, the records written meanwhile gather for the next (group commit). Read-only records are
/// fsync'd within <see cref="AuditOptions.ReadOnlySyncDelay"/> without holding up their response, so
/// a read costs one write call and no thread switch. Nothing else is on that path, so a slow
/// consumer never holds up a request: readers (delivery, the lookup index) follow the files up to
/// <see cref="Committed"/>.
/// </summary>
public sealed class AuditSegmentWriter : IAsyncDisposable
{
    private readonly AuditOptions _options;
    private readonly string _directory;
    private readonly string? _history;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Guarded by _lock (and owned by Open before the sync thread starts).
    private readonly Lock _lock = new();
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _lastHash = new byte[AuditChain.HashSize];
    private SafeFileHandle? _file;
    private long _sequence;
    private long _length;
    private readonly byte[] _writtenHash = new byte[AuditChain.HashSize];
    private byte[] _pending = new byte[64 * 1024];
    private int _pendingLength;
    private long _segmentRecords;
    private DateTimeOffset _segmentCreated;
    private List<SyncWaiter> _waiters = [];
    private bool _closed;

    // What the sync thread is asked for, guarded by _signal.
    private readonly object _signal = new();
    private bool _dirty;
    private bool _urgent;
    private bool _syncerWaiting;
    private bool _stopping;

    // Read from any thread.
    private volatile bool _healthy = true;
    private long _retryAtTicks;
    private long _appended;
    private long _flushes;
    private long _dropped;
    private long _failures;
    private AuditJournalPosition _committed = new(0, 0);
    private int _disposed;

    private AuditSegmentWriter(AuditOptions options, TimeProvider time, ILogger logger)
    {
        _options = options;
        _directory = Path.GetFullPath(options.SegmentDirectory);
        _history = options.HistoryDirectory is null ? null : Path.GetFullPath(options.HistoryDirectory);
        _time = time;
        _logger = logger;
    }

    public string Directory => _directory;

    /// <summary>False from a failed write until the disk takes writes again.</summary>
    public bool IsHealthy => _healthy;

    /// <summary>The active segment and how much of it is fsync'd; readers stop there.</summary>
    public AuditJournalPosition Committed => Volatile.Read(ref _committed);

    public AuditWriterStatistics Statistics => new(
        _healthy, Interlocked.Read(ref _appended), Interlocked.Read(ref _flushes), Interlocked.Read(ref _dropped), Interlocked.Read(ref _failures), Committed.Sequence);

    /// <summary>
    /// Opens the journal in <see cref="AuditOptions.SegmentDirectory"/>, cutting off a torn last
    /// line left by a crash, and starts the writer. Throws <see cref="AuditUnavailableException"/>
    /// when the directory cannot be written.
    /// </summary>
    public static AuditSegmentWriter Open(AuditOptions options, TimeProvider time, ILogger<AuditSegmentWriter>? logger = null)
    {
        var writer = new AuditSegmentWriter(options, time, (ILogger?)logger ?? NullLogger.Instance);
        try
        {
            writer.Recover();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            writer.CloseFile();
            writer._hash.Dispose();
            throw new AuditUnavailableException($"The audit journal cannot be opened in {writer._directory}.", e);
        }

        new Thread(writer.SyncLoop) { IsBackground = true, Name = "coffer-audit-sync" }.Start();
        return writer;
    }

    /// <summary>
    /// Chains and writes a record; the task completes at once for a read-only record (it is in the
    /// file, and on disk within <see cref="AuditOptions.ReadOnlySyncDelay"/>), and for any other
    /// once it is fsync'd. Throws <see cref="AuditUnavailableException"/> when the journal cannot
    /// write it (unless <see cref="AuditOptions.FailOpen"/>, which drops and counts it instead).
    /// Cancelling stops the wait, not the write.
    /// </summary>
    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_healthy && _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _retryAtTicks))
        {
            // Failed, and too soon to try the disk again: answer at once.
            return Reject(null);
        }

        var (line, length) = AuditRecordSerializer.SerializeLineToRented(record, AuditChain.HexLength + 1);
        SyncWaiter? waiter = null;
        try
        {
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                if (!_healthy && !TryRecover())
                {
                    return Reject(null);
                }

                var waits = !record.ReadOnly || _options.SyncReadOnly;
                try
                {
                    Write(line.AsSpan(0, length));
                    if (!waits)
                    {
                        // Answered without an fsync, so in the file before the response.
                        FlushPending();
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Fail(e);
                    return Reject(e);
                }

                if (waits)
                {
                    waiter = new SyncWaiter();
                    _waiters.Add(waiter);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(line);
        }

        RequestSync(waiter is not null);
        if (waiter is null)
        {
            return Task.CompletedTask;
        }

        return cancellationToken.CanBeCanceled ? waiter.Task.WaitAsync(cancellationToken) : waiter.Task;
    }

    /// <summary>Completes once everything written so far is fsync'd (and so readable up to <see cref="Committed"/>).</summary>
    public Task SyncAsync(CancellationToken cancellationToken)
    {
        SyncWaiter waiter;
        lock (_lock)
        {
            if (_closed || !_healthy || (Committed.Sequence == _sequence && Committed.Length == _length && _pendingLength == 0))
            {
                return Task.CompletedTask;
            }

            waiter = new SyncWaiter();
            _waiters.Add(waiter);
        }

        RequestSync(urgent: true);
        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Chains <paramref name="line"/> (hash and space to fill, then the JSON and '\n') onto the
    /// segment, into the pending lines: a record that waits for an fsync is written with the
    /// others by the sync thread, in one write.
    /// </summary>
    private void Write(Span<byte> line)
    {
        if (ShouldRoll())
        {
            RollSegment();
        }

        Span<byte> chain = stackalloc byte[AuditChain.HashSize];
        AuditChain.Next(_hash, _lastHash, line[(AuditChain.HexLength + 1)..^1], chain);
        Hex.Write(chain, line);
        line[AuditChain.HexLength] = (byte)' ';
        if (_pendingLength + line.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _pendingLength + line.Length));
        }

        line.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += line.Length;
        _segmentRecords++;
        chain.CopyTo(_lastHash);
        Interlocked.Increment(ref _appended);
    }

    /// <summary>Writes the pending lines to the file; on failure they are dropped (their callers are still waiting, and are failed).</summary>
    private void FlushPending()
    {
        if (_pendingLength == 0)
        {
            return;
        }

        try
        {
            RandomAccess.Write(_file!, _pending.AsSpan(0, _pendingLength), _length);
        }
        catch
        {
            // The chain goes on from the last line in the file.
            _writtenHash.CopyTo(_lastHash);
            _pendingLength = 0;
            throw;
        }

        _length += _pendingLength;
        _pendingLength = 0;
        _lastHash.CopyTo(_writtenHash);
        if (_pending.Length > 1024 * 1024)
        {
            _pending = new byte[64 * 1024];
        }
    }

    /// <summary>Tells the sync thread there is something to fsync: now when a caller waits for it, else within the read-only delay.</summary>
    private void RequestSync(bool urgent)
    {
        // Checked without the lock first, so that a stream of reads takes it once per sync, not per record.
        if (urgent ? Volatile.Read(ref _urgent) : Volatile.Read(ref _dirty))
        {
            return;
        }

        lock (_signal)
        {
            _dirty = true;
            _urgent |= urgent;
            if (_syncerWaiting)
            {
                Monitor.Pulse(_signal);
            }
        }
    }

    /// <summary>Closes the active segment when it holds records, so it can be delivered; returns its sequence.</summary>
    public Task<long?> RollAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            try
            {
                if (!_healthy && !TryRecover())
                {
                    return Task.FromException<long?>(Unavailable(null));
                }

                if (_segmentRecords == 0)
                {
                    return Task.FromResult<long?>(null);
                }

                var closed = _sequence;
                RollSegment();
                return Task.FromResult<long?>(closed);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(e);
                return Task.FromException<long?>(Unavailable(e));
            }
        }
    }

    /// <summary>Segments no longer written to, oldest first: ready for delivery.</summary>
    public IReadOnlyList<AuditSegment> ClosedSegments()
    {
        var active = Committed.Sequence;
        return AuditSegment.List(_directory).Where(s => s.Sequence < active).ToList();
    }

    /// <summary>
    /// Takes a delivered segment out of the journal: into the history when one is kept, else
    /// removed. The active one never is: its header carries the chain on.
    /// </summary>
    public void RetireSegment(AuditSegment segment)
    {
        if (segment.Sequence >= Committed.Sequence)
        {
            throw new InvalidOperationException($"Audit segment {segment.Sequence} is still being written.");
        }

        var path = SegmentPath(segment.Sequence);
        if (_history is null)
        {
            File.Delete(path);
            return;
        }

        System.IO.Directory.CreateDirectory(_history);
        File.Move(path, Path.Combine(_history, AuditSegment.FileName(segment.Sequence)), overwrite: true);
        DirectorySync.Flush(_history);
        DirectorySync.Flush(_directory);
    }

    /// <summary>The history's segments and then the journal's, in sequence order: everything a reader can still read.</summary>
    public IReadOnlyList<AuditSegment> AllSegments()
    {
        var active = AuditSegment.List(_directory);
        if (_history is null)
        {
            return active;
        }

        var first = active.Count > 0 ? active[0].Sequence : long.MaxValue;
        return [.. AuditSegment.List(_history).Where(s => s.Sequence < first), .. active];
    }

    /// <summary>Where segment <paramref name="sequence"/> is now, in the journal or its history; null when in neither.</summary>
    public string? FindSegment(long sequence)
    {
        var path = SegmentPath(sequence);
        if (File.Exists(path))
        {
            return path;
        }

        var kept = _history is null ? null : Path.Combine(_history, AuditSegment.FileName(sequence));
        return kept is not null && File.Exists(kept) ? kept : null;
    }

    /// <summary>Removes the history's segments before <paramref name="sequence"/>; returns how many.</summary>
    public int DeleteHistoryBefore(long sequence)
    {
        var removed = 0;
        foreach (var segment in _history is null ? [] : AuditSegment.List(_history))
        {
            if (segment.Sequence < sequence)
            {
                File.Delete(segment.Path);
                removed++;
            }
        }

        return removed;
    }

    private Task Reject(Exception? cause)
    {
        if (_options.FailOpen)
        {
            Interlocked.Increment(ref _dropped);
            return Task.CompletedTask;
        }

        return Task.FromException(Unavailable(cause));
    }

    private AuditUnavailableException Unavailable(Exception? cause) =>
        new($"The audit journal in {_directory} cannot write; the request is refused rather than left unrecorded.", cause);

    private string SegmentPath(long sequence) => Path.Combine(_directory, AuditSegment.FileName(sequence));

    /// <summary>Finds the active segment, verifies its chain and truncates whatever a crash left after the last good line.</summary>
    private void Recover()
    {
        System.IO.Directory.CreateDirectory(_directory);
        var segments = AuditSegment.List(_directory);
        if (segments.Count == 0)
        {
            CreateSegment(1, AuditChain.Genesis);
            return;
        }

        var last = segments[^1];
        SegmentReader reader;
        try
        {
            reader = SegmentReader.Open(last.Path);
        }
        catch (InvalidDataException)
        {
            // A crash while rolling leaves a new segment without a whole header, and so without records.
            var kept = Quarantine(last.Path);
            var previous = segments.Count > 1 ? SegmentReader.ReadLastHash(segments[^2].Path) : AuditChain.Genesis.ToArray();
            CreateSegment(last.Sequence, previous);
            if (kept is not null)
            {
                AuditLog.HeaderRebuilt(_logger, last.Sequence, kept);
            }

            return;
        }

        SegmentReadStop stop;
        using (reader)
        {
            while (reader.TryRead())
            {
            }

            stop = reader.Stop;
            _sequence = last.Sequence;
            _length = reader.ValidLength;
            _segmentRecords = reader.RecordCount;
            _segmentCreated = reader.Header.Created;
            reader.LastHash.CopyTo(_lastHash);
            reader.LastHash.CopyTo(_writtenHash);
        }

        _file = File.OpenHandle(last.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var fileLength = RandomAccess.GetLength(_file);
        if (fileLength > _length)
        {
            if (stop == SegmentReadStop.InvalidLine)
            {
                var quarantine = $"{last.Path}.tail-{_length}.corrupt";
                CopyTail(_file, _length, fileLength, quarantine);
                AuditLog.TailQuarantined(_logger, _sequence, fileLength - _length, _length, quarantine);
            }
            else
            {
                AuditLog.TornTailTruncated(_logger, _sequence, fileLength - _length);
            }

            RandomAccess.SetLength(_file, _length);
            RandomAccess.FlushToDisk(_file);
        }

        Volatile.Write(ref _committed, new AuditJournalPosition(_sequence, _length));
    }

    /// <summary>Moves a damaged file aside (an empty one is just removed); returns where it went.</summary>
    private string? Quarantine(string path)
    {
        if (new FileInfo(path).Length == 0)
        {
            File.Delete(path);
            return null;
        }

        var target = $"{path}.{_time.GetUtcNow().UtcDateTime:yyyyMMddTHHmmssfff}.corrupt";
        File.Move(path, target);
        return target;
    }

    private static void CopyTail(SafeFileHandle file, long from, long to, string path)
    {
        var tail = new byte[to - from];
        RandomAccess.Read(file, tail, from);
        using var copy = File.OpenHandle(path, FileMode.Create, FileAccess.Write);
        RandomAccess.Write(copy, tail, 0);
        RandomAccess.FlushToDisk(copy);
    }

    /// <summary>Creates segment <paramref name="sequence"/> following <paramref name="previousHash"/>, durably, and makes it the active one.</summary>
    private void CreateSegment(long sequence, ReadOnlySpan<byte> previousHash)
    {
        var header = new SegmentHeader
        {
            Sequence = sequence,
            PreviousHash = Convert.ToHexStringLower(previousHash),
            Created = _time.GetUtcNow(),
        };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(header, AuditJsonContext.Default.SegmentHeader);
        Array.Resize(ref bytes, bytes.Length + 1);
        bytes[^1] = (byte)'\n';

        var handle = File.OpenHandle(SegmentPath(sequence), FileMode.Create, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            RandomAccess.Write(handle, bytes, 0);
            RandomAccess.FlushToDisk(handle);
            DirectorySync.Flush(_directory);
        }
        catch
        {
            handle.Dispose();
            throw;
        }

        _file?.Dispose();
        _file = handle;
        _sequence = sequence;
        _length = bytes.Length;
        _segmentRecords = 0;
        _segmentCreated = header.Created;
        previousHash.CopyTo(_lastHash);
        previousHash.CopyTo(_writtenHash);
        Volatile.Write(ref _committed, new AuditJournalPosition(_sequence, _length));
    }

    /// <summary>
    /// The sync thread: fsyncs whatever has been written, at once when a caller waits for it,
    /// else after <see cref="AuditOptions.ReadOnlySyncDelay"/> so that reads share one fsync.
    /// The fsync runs outside the write lock, so writers carry on meanwhile.
    /// </summary>
    private void SyncLoop()
    {
        try
        {
            while (true)
            {
                lock (_signal)
                {
                    while (!_dirty && !_stopping)
                    {
                        WaitForSignal(Timeout.InfiniteTimeSpan);
                    }

                    if (!_urgent && !_stopping)
                    {
                        WaitForSignal(_options.ReadOnlySyncDelay);
                    }

                    if (!_dirty && _stopping)
                    {
                        break;
                    }

                    _dirty = false;
                    _urgent = false;
                }

                SyncOnce();
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void WaitForSignal(TimeSpan timeout)
    {
        _syncerWaiting = true;
        Monitor.Wait(_signal, timeout);
        _syncerWaiting = false;
    }

    /// <summary>One fsync of what has been written, then the callers waiting for it are answered.</summary>
    private void SyncOnce()
    {
        SafeFileHandle file;
        AuditJournalPosition target;
        List<SyncWaiter> waiters;
        var added = false;
        lock (_lock)
        {
            if (_file is null || !_healthy)
            {
                return;
            }

            try
            {
                FlushPending();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Fail(e);
                return;
            }

            file = _file;
            target = new AuditJournalPosition(_sequence, _length);
            waiters = _waiters;
            _waiters = [];
            if (waiters.Count == 0 && Committed == target)
            {
                return;
            }

            // A roll may close the handle meanwhile; the fsync keeps it open until done.
            file.DangerousAddRef(ref added);
        }

        try
        {
            RandomAccess.FlushToDisk(file);
            if (!File.Exists(SegmentPath(target.Sequence)) && IsActive(target.Sequence))
            {
                // Writes to a deleted file succeed and vanish: what was written since the last sync is lost.
                throw new IOException($"Audit segment {target.Sequence} was removed while being written.");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            lock (_lock)
            {
                Fail(e);
            }

            Reject(waiters, e);
            return;
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }

        Interlocked.Increment(ref _flushes);
        Advance(target);
        foreach (var waiter in waiters)
        {
            waiter.Complete();
        }
    }

    private bool IsActive(long sequence)
    {
        lock (_lock)
        {
            return sequence == _sequence;
        }
    }

    /// <summary>Moves <see cref="Committed"/> forward to <paramref name="target"/>; never back, whichever thread got further first.</summary>
    private void Advance(AuditJournalPosition target)
    {
        var seen = Committed;
        while (seen.Sequence < target.Sequence || (seen.Sequence == target.Sequence && seen.Length < target.Length))
        {
            var previous = Interlocked.CompareExchange(ref _committed, target, seen);
            if (ReferenceEquals(previous, seen))
            {
                return;
            }

            seen = previous;
        }
    }

    private void Reject(List<SyncWaiter> waiters, Exception? cause)
    {
        if (_options.FailOpen)
        {
            Interlocked.Add(ref _dropped, waiters.Count);
            foreach (var waiter in waiters)
            {
                waiter.Complete();
            }

            return;
        }

        var unavailable = Unavailable(cause);
        foreach (var waiter in waiters)
        {
            waiter.Fail(unavailable);
        }
    }

    private bool ShouldRoll() =>
        _segmentRecords > 0 && (_length + _pendingLength >= _options.MaxSegmentBytes || _time.GetUtcNow() - _segmentCreated >= _options.MaxSegmentAge);

    /// <summary>Under the lock: makes the active segment durable, answers its waiters, and starts the next.</summary>
    private void RollSegment()
    {
        var closed = _sequence;
        var records = _segmentRecords;
        FlushPending();
        RandomAccess.FlushToDisk(_file!);
        Interlocked.Increment(ref _flushes);
        Advance(new AuditJournalPosition(_sequence, _length));
        foreach (var waiter in _waiters)
        {
            waiter.Complete();
        }

        _waiters = [];
        CreateSegment(_sequence + 1, _lastHash);
        AuditLog.SegmentRolled(_logger, closed, records, _sequence);
    }

    /// <summary>Under the lock: marks the journal failed; callers waiting for an fsync are answered as failed.</summary>
    private void Fail(Exception e)
    {
        var waiters = _waiters;
        _waiters = [];
        Reject(waiters, e);
        Interlocked.Increment(ref _failures);
        Interlocked.Exchange(ref _retryAtTicks, (_time.GetUtcNow() + _options.RetryInterval).UtcTicks);
        if (_healthy)
        {
            _healthy = false;
            AuditLog.JournalFailed(_logger, _sequence, _options.FailOpen ? "are dropped" : "fail", e);
        }
    }

    /// <summary>
    /// After a failure: cuts the active segment back to the end of its last whole write (what the
    /// failed write left is unknown), fsyncs it and carries on; when the segment is gone, the chain continues in a
    /// new one, and the missing records show as a gap when the trail is verified.
    /// </summary>
    private bool TryRecover()
    {
        if (_time.GetUtcNow().UtcTicks < Interlocked.Read(ref _retryAtTicks))
        {
            return false;
        }

        try
        {
            // Lines not yet written belonged to callers who were answered with the failure.
            _pendingLength = 0;
            _writtenHash.CopyTo(_lastHash);
            CloseFile();
            System.IO.Directory.CreateDirectory(_directory);
            var path = SegmentPath(_sequence);
            if (File.Exists(path))
            {
                _file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                RandomAccess.SetLength(_file, _length);
                RandomAccess.FlushToDisk(_file);
                Advance(new AuditJournalPosition(_sequence, _length));
            }
            else
            {
                CreateSegment(_sequence + 1, _lastHash);
            }

            _healthy = true;
            AuditLog.JournalRecovered(_logger, _sequence, Interlocked.Read(ref _dropped));
            return true;
        }
        catch (Exception e)
        {
            Fail(e);
            return false;
        }
    }

    private void CloseFile()
    {
        _file?.Dispose();
        _file = null;
    }

    /// <summary>Stops taking records, fsyncs what was written and closes the active segment.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        lock (_signal)
        {
            _stopping = true;
            Monitor.Pulse(_signal);
        }

        await _stopped.Task.ConfigureAwait(false);
        lock (_lock)
        {
            _closed = true;

            // Whatever writers slipped in after the sync thread's last fsync.
            try
            {
                if (_file is not null && _healthy)
                {
                    FlushPending();
                    RandomAccess.FlushToDisk(_file);
                    Advance(new AuditJournalPosition(_sequence, _length));
                    foreach (var waiter in _waiters)
                    {
                        waiter.Complete();
                    }
                }
                else
                {
                    Reject(_waiters, null);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Reject(_waiters, e);
            }

            _waiters = [];
            CloseFile();
            _hash.Dispose();
        }
    }

    /// <summary>A caller waiting for the fsync that covers its record.</summary>
    private sealed class SyncWaiter
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _done.Task;

        public void Complete() => _done.TrySetResult();

        public void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
