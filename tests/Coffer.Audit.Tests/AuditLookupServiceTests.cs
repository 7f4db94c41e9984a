using Coffer.Audit.Lookup;
using Coffer.Audit.Segments;
using Coffer.Protocol.Tests;
using Coffer.Storage.Sqlite;
using Coffer.Storage.Tests;
using Xunit;

namespace Coffer.Audit.Tests;

public sealed class AuditLookupServiceTests
{
    [Fact]
    public async Task QueryAsync_SeesWhatWasCommittedBeforeIt_WithoutWaitingForTheInterval()
    {
        await using var setup = new LookupSetup(new ManualClock(TestRecords.Time.AddDays(1)), interval: TimeSpan.FromHours(1));
        var (journal, lookup) = (setup.Journal, setup.Lookup);
        using var stop = new CancellationTokenSource();
        var run = lookup.RunAsync(stop.Token);

        for (var i = 1; i <= 3; i++)
        {
            await Journal.AppendAsync(journal, 1, n => TestRecords.GetObject(TestRecords.Root(), "team-data", $"file-{i}.txt"));
            var page = await lookup.QueryAsync(new AuditQuery { StartTime = TestRecords.Time.AddDays(-1) }, CancellationToken.None);
            Assert.Equal(i, page.Events.Count);
        }

        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task QueryAsync_WithNoBackgroundThread_IndexesWhatItNeedsItself()
    {
        await using var setup = new LookupSetup(new ManualClock(TestRecords.Time.AddDays(1)), maxSegmentBytes: 64 * 1024);
        var (journal, lookup) = (setup.Journal, setup.Lookup);

        // Several segments and several batches, none of them indexed before the lookup.
        var written = await Journal.AppendAsync(journal, AuditLookupIndex.Batch * 2 + 3);
        var page = await lookup.QueryAsync(new AuditQuery { StartTime = TestRecords.Time.AddDays(-1), MaxResults = 1 }, CancellationToken.None);

        Assert.Equal(written[^1].EventId.ToString(), Assert.Single(page.Events).EventId);
        Assert.Equal(journal.Committed, lookup.CaughtUp);
    }

    [Fact]
    public async Task QueryAsync_WhenTheJournalCannotBeIndexed_AnswersFromWhatIsIndexed()
    {
        await using var setup = new LookupSetup(new ManualClock(TestRecords.Time.AddDays(1)));
        var (journal, lookup) = (setup.Journal, setup.Lookup);
        var query = new AuditQuery { StartTime = TestRecords.Time.AddDays(-1) };
        await Journal.AppendAsync(journal, 3);
        Assert.Equal(3, (await lookup.QueryAsync(query, CancellationToken.None)).Events.Count);

        // A committed record changed on disk: the index stops before it rather than index it.
        await Journal.AppendAsync(journal, 1);
        var segment = Directory.GetFiles(journal.Directory, "*.seg").Single();
        var bytes = await File.ReadAllBytesAsync(segment);
        var lastLine = Array.LastIndexOf(bytes, (byte)'\n', bytes.Length - 2) + 1;
        bytes[lastLine + 80] ^= 0x01;
        await File.WriteAllBytesAsync(segment, bytes);

        Assert.Equal(3, (await lookup.QueryAsync(query, CancellationToken.None)).Events.Count);
    }

    [Fact]
    public async Task RunAsync_IndexesOnAThreadOfItsOwn_AtALowerPriority()
    {
        await using var setup = new LookupSetup(new ManualClock(TestRecords.Time), TimeProvider.System, interval: TimeSpan.FromMilliseconds(20));
        var (journal, lookup) = (setup.Journal, setup.Lookup);
        using var stop = new CancellationTokenSource();
        var run = lookup.RunAsync(stop.Token);
        await Journal.AppendAsync(journal, 3);

        var thread = await WaitForThreadAsync("coffer-audit-index");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (lookup.CaughtUp != journal.Committed && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(journal.Committed, lookup.CaughtUp);
        // Field 19 of /proc/.../stat is the nice value; the command name before it is in parentheses.
        var stat = File.ReadAllText(Path.Combine(thread, "stat"));
        var nice = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Coffer.Storage.Threading.BackgroundPriority.Nice, nice);

        await stop.CancelAsync();
        await run;
    }

    private static async Task<string> WaitForThreadAsync(string name)
    {
        for (var i = 0; i < 200; i++)
        {
            var thread = Directory.GetDirectories("/proc/self/task").FirstOrDefault(t => File.ReadAllText(Path.Combine(t, "comm")).Trim() == name[..Math.Min(15, name.Length)]);
            if (thread is not null)
            {
                return thread;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"no thread named {name}");
    }

    [Fact]
    public async Task Prune_RemovesWhatIsOlderThanTheWindow()
    {
        await using var setup = new LookupSetup(new ManualClock(TestRecords.Time), new ManualClock(TestRecords.Time.AddDays(100)));
        var (journal, index, lookup) = (setup.Journal, setup.Index, setup.Lookup);
        await Journal.AppendAsync(journal, 2, n => TestRecords.GetObject(TestRecords.Root(), "team-data", $"old-{n}", TestRecords.Time));
        await Journal.AppendAsync(journal, 1, n => TestRecords.GetObject(TestRecords.Root(), "team-data", "recent", TestRecords.Time.AddDays(20)));
        index.CatchUp(CancellationToken.None);

        lookup.Prune(CancellationToken.None);

        var left = await index.QueryAsync(new AuditQuery(), CancellationToken.None);
        Assert.Equal(["recent"], left.Events.Select(e => System.Text.Json.JsonDocument.Parse(e.CloudTrailEvent).RootElement.GetProperty("requestParameters").GetProperty("key").GetString()));
    }

    /// <summary>A journal in a temporary directory and a lookup service following it (on <paramref name="lookupTime"/>, the journal's clock by default).</summary>
    private sealed class LookupSetup(ManualClock clock, TimeProvider? lookupTime = null, long maxSegmentBytes = 64 * 1024 * 1024, TimeSpan? interval = null) : IAsyncDisposable
    {
        private readonly TempDirectory _folder = new();
        private SqliteDatabase? _database;
        private AuditSegmentWriter? _journal;
        private AuditLookupIndex? _index;
        private AuditLookupService? _lookup;

        public AuditSegmentWriter Journal => _journal ??= Tests.Journal.Open(_folder.Combine("segments"), clock, maxSegmentBytes);

        public AuditLookupIndex Index => _index ??= new AuditLookupIndex(_database ??= SqliteDatabase.Open(_folder.Combine("lookup.db")), Journal);

        public AuditLookupService Lookup => _lookup ??= new AuditLookupService(Index, lookupTime ?? clock) { Interval = interval ?? TimeSpan.FromSeconds(1) };

        public async ValueTask DisposeAsync()
        {
            _lookup?.Dispose();
            if (_database is not null)
            {
                await _database.DisposeAsync();
            }

            if (_journal is not null)
            {
                await _journal.DisposeAsync();
            }

            _folder.Dispose();
        }
    }
}
