using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Coffer.Audit.Chain;
using Coffer.Audit.Records;
using Coffer.Storage.Blobs.FileSystem;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Win32.SafeHandles;

namespace Coffer.Audit.Segments;

/// <summary>
/// The durable audit journal. Callers serialise their record on their own thread and queue it;
/// one writer thread takes everything queued, chains it, writes it with one write and one fsync,
/// and only then completes the callers (group commit: while one fsync runs, the next batch
/// gathers). Nothing else is on that path, so a slow consumer never holds up a request: readers
/// (delivery, the lookup index) follow the files up to <see cref="Committed"/>.
/// </summary>
public sealed class AuditSegmentWriter : IAsyncDisposable
{
    private const int MaxBatch = 4096;
    private const int WriteChunk = 1024 * 1024;

    private readonly AuditOptions _options;
    private readonly string _directory;
    private readonly string? _history;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Command> _queue = Channel.CreateUnbounded<Command>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Owned by the writer thread (and by Open before the thread starts).
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _lastHash = new byte[AuditChain.HashSize];
    private byte[] _lines = new byte[64 * 1024];
    private SafeFileHandle? _file;
    private long _sequence;
    private long _length;
    private long _segmentRecords;
    private DateTimeOffset _segmentCreated;

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

        new Thread(writer.Run) { IsBackground = true, Name = "coffer-audit-writer" }.Start();
        return writer;
    }

    /// <summary>
    /// Appends a record and completes once it is on disk, fsync'd. Throws
    /// <see cref="AuditUnavailableException"/> when the journal cannot write it (unless
    /// <see cref="AuditOptions.FailOpen"/>, which drops and counts it instead). Cancelling stops
    /// the wait, not the write: a queued record is written all the same.
    /// </summary>
    public Task AppendAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_healthy && _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _retryAtTicks))
        {
            // Failed, and too soon to try the disk again: answer at once.
            return Reject();
        }

        var (buffer, length) = AuditRecordSerializer.SerializeToRented(record);
        var append = new AppendCommand(buffer, length);
        if (!_queue.Writer.TryWrite(append))
        {
            append.ReturnBuffer();
            throw new ObjectDisposedException(nameof(AuditSegmentWriter));
        }

        return cancellationToken.CanBeCanceled ? append.Task.WaitAsync(cancellationToken) : append.Task;
    }

    /// <summary>Closes the active segment when it holds records, so it can be delivered; returns its sequence.</summary>
    public Task<long?> RollAsync(CancellationToken cancellationToken)
    {
        var roll = new RollCommand();
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(roll), this);

        return roll.Task.WaitAsync(cancellationToken);
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

    private Task Reject()
    {
        if (_options.FailOpen)
        {
            Interlocked.Increment(ref _dropped);
            return Task.CompletedTask;
        }

        return Task.FromException(Unavailable(null));
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
        Volatile.Write(ref _committed, new AuditJournalPosition(_sequence, _length));
    }

    private void Run()
    {
        var reader = _queue.Reader;
        var appends = new List<AppendCommand>(MaxBatch);
        try
        {
            while (WaitToRead(reader))
            {
                while (appends.Count < MaxBatch && reader.TryRead(out var command))
                {
                    if (command is AppendCommand append)
                    {
                        appends.Add(append);
                        continue;
                    }

                    // Appends queued before the roll go into the segment it closes.
                    WriteBatch(appends);
                    Roll((RollCommand)command);
                }

                WriteBatch(appends);
            }
        }
        finally
        {
            CloseFile();
            _hash.Dispose();
            _stopped.TrySetResult();
        }
    }

    private static bool WaitToRead(ChannelReader<Command> reader)
    {
        var wait = reader.WaitToReadAsync();
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Chains, writes and fsyncs the batch, then answers every caller in it.</summary>
    private void WriteBatch(List<AppendCommand> appends)
    {
        if (appends.Count == 0)
        {
            return;
        }

        try
        {
            if (!_healthy && !TryRecover())
            {
                Reject(appends, null);
                return;
            }

            if (ShouldRoll())
            {
                RollSegment();
            }
            else if (!File.Exists(SegmentPath(_sequence)))
            {
                // Writes to a deleted file would succeed and vanish: acknowledge nothing into one.
                throw new IOException($"Audit segment {_sequence} was removed while being written.");
            }

            Span<byte> chain = stackalloc byte[AuditChain.HashSize];
            _lastHash.CopyTo(chain);
            var offset = _length;
            var used = 0;
            foreach (var append in appends)
            {
                var json = append.Json;
                var lineLength = AuditChain.HexLength + 1 + json.Length + 1;
                if (used + lineLength > _lines.Length)
                {
                    RandomAccess.Write(_file!, _lines.AsSpan(0, used), offset);
                    offset += used;
                    used = 0;
                    if (lineLength > _lines.Length)
                    {
                        _lines = new byte[Math.Max(lineLength, WriteChunk)];
                    }
                }

                AuditChain.Next(_hash, chain, json, chain);
                var line = _lines.AsSpan(used, lineLength);
                Hex.Write(chain, line);
                line[AuditChain.HexLength] = (byte)' ';
                json.CopyTo(line[(AuditChain.HexLength + 1)..]);
                line[^1] = (byte)'\n';
                used += lineLength;
            }

            RandomAccess.Write(_file!, _lines.AsSpan(0, used), offset);
            RandomAccess.FlushToDisk(_file!);

            _length = offset + used;
            _segmentRecords += appends.Count;
            chain.CopyTo(_lastHash);
            Volatile.Write(ref _committed, new AuditJournalPosition(_sequence, _length));
            Interlocked.Increment(ref _flushes);
            Interlocked.Add(ref _appended, appends.Count);
            foreach (var append in appends)
            {
                append.Complete();
            }
        }
        catch (Exception e)
        {
            Fail(e);
            Reject(appends, e);
        }
        finally
        {
            foreach (var append in appends)
            {
                append.ReturnBuffer();
            }

            appends.Clear();
        }
    }

    private void Reject(List<AppendCommand> appends, Exception? cause)
    {
        if (_options.FailOpen)
        {
            Interlocked.Add(ref _dropped, appends.Count);
            foreach (var append in appends)
            {
                append.Complete();
            }

            return;
        }

        var unavailable = Unavailable(cause);
        foreach (var append in appends)
        {
            append.Fail(unavailable);
        }
    }

    private void Roll(RollCommand roll)
    {
        try
        {
            if (!_healthy && !TryRecover())
            {
                roll.Fail(Unavailable(null));
            }
            else if (_segmentRecords == 0)
            {
                roll.Complete(null);
            }
            else
            {
                var closed = _sequence;
                RollSegment();
                roll.Complete(closed);
            }
        }
        catch (Exception e)
        {
            Fail(e);
            roll.Fail(Unavailable(e));
        }
    }

    private bool ShouldRoll() =>
        _segmentRecords > 0 && (_length >= _options.MaxSegmentBytes || _time.GetUtcNow() - _segmentCreated >= _options.MaxSegmentAge);

    private void RollSegment()
    {
        var closed = _sequence;
        var records = _segmentRecords;
        CreateSegment(_sequence + 1, _lastHash);
        AuditLog.SegmentRolled(_logger, closed, records, _sequence);
    }

    private void Fail(Exception e)
    {
        Interlocked.Increment(ref _failures);
        Interlocked.Exchange(ref _retryAtTicks, (_time.GetUtcNow() + _options.RetryInterval).UtcTicks);
        if (_healthy)
        {
            _healthy = false;
            AuditLog.JournalFailed(_logger, _sequence, _options.FailOpen ? "are dropped" : "fail", e);
        }
    }

    /// <summary>
    /// After a failure: cuts the active segment back to its last fsync'd length (what the failed
    /// writes left is unknown) and carries on; when the segment is gone, the chain continues in a
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
            CloseFile();
            System.IO.Directory.CreateDirectory(_directory);
            var path = SegmentPath(_sequence);
            if (File.Exists(path))
            {
                _file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
                RandomAccess.SetLength(_file, _length);
                RandomAccess.FlushToDisk(_file);
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

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stopped.Task.ConfigureAwait(false);
    }

    private abstract class Command;

    private sealed class AppendCommand(byte[] buffer, int length) : Command
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _done.Task;

        public ReadOnlySpan<byte> Json => buffer.AsSpan(0, length);

        public void Complete() => _done.TrySetResult();

        public void Fail(Exception exception) => _done.TrySetException(exception);

        public void ReturnBuffer() => ArrayPool<byte>.Shared.Return(buffer);
    }

    private sealed class RollCommand : Command
    {
        private readonly TaskCompletionSource<long?> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<long?> Task => _done.Task;

        public void Complete(long? closed) => _done.TrySetResult(closed);

        public void Fail(Exception exception) => _done.TrySetException(exception);
    }
}
