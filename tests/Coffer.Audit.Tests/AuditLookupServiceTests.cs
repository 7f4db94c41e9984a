using Coffer.Audit.Lookup;
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
        using var directory = new TempDirectory();
        var clock = new ManualClock(TestRecords.Time.AddDays(1));
        await using var journal = Journal.Open(directory.Combine("segments"), clock);
        await using var database = SqliteDatabase.Open(directory.Combine("lookup.db"));
        using var lookup = new AuditLookupService(new AuditLookupIndex(database), journal, clock) { Interval = TimeSpan.FromHours(1) };
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
    public async Task PruneAsync_RemovesWhatIsOlderThanTheWindow()
    {
        using var directory = new TempDirectory();
        await using var journal = Journal.Open(directory.Combine("segments"));
        await using var database = SqliteDatabase.Open(directory.Combine("lookup.db"));
        var index = new AuditLookupIndex(database);
        var now = new ManualClock(TestRecords.Time.AddDays(100));
        using var lookup = new AuditLookupService(index, journal, now);
        await Journal.AppendAsync(journal, 2, n => TestRecords.GetObject(TestRecords.Root(), "team-data", $"old-{n}", TestRecords.Time));
        await Journal.AppendAsync(journal, 1, n => TestRecords.GetObject(TestRecords.Root(), "team-data", "recent", TestRecords.Time.AddDays(20)));
        await index.CatchUpAsync(journal, CancellationToken.None);

        await lookup.PruneAsync(CancellationToken.None);

        var left = await index.QueryAsync(new AuditQuery(), CancellationToken.None);
        Assert.Equal(["recent"], left.Events.Select(e => System.Text.Json.JsonDocument.Parse(e.CloudTrailEvent).RootElement.GetProperty("requestParameters").GetProperty("key").GetString()));
    }
}
