using System.Diagnostics;
using System.Text.Json.Nodes;
using Coffer.Audit;
using Coffer.Audit.Lookup;
using Coffer.Audit.Records;
using Coffer.Audit.Segments;
using Coffer.Bench.Measurement;
using Coffer.Storage.Sqlite;

namespace Coffer.Bench.Audit;

/// <summary>
/// The audit trail in process: records/s the segment journal sustains with many concurrent
/// appenders (each append waits for its fsync, so this is group commit's throughput), then a
/// lookup index of synthetic records spread over 90 days, filled in batches and queried with
/// the filters `coffer audit lookup` offers, each query run several times.
/// </summary>
internal static class AuditBenchmark
{
    private const int AppendGroup = 256;
    private const int QueryRuns = 7;
    private const string Account = "111122223333";

    public static async Task<int> RunAsync(TimeSpan duration, int concurrency, int rows, string? directory, TextWriter output)
    {
        var root = directory ?? Path.Combine(Path.GetTempPath(), "coffer-bench-audit-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            await MeasureJournalAsync(Path.Combine(root, "segments"), duration, concurrency, output);
            if (rows > 0)
            {
                await MeasureLookupAsync(root, rows, output);
            }

            return 0;
        }
        finally
        {
            if (directory is null)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task MeasureJournalAsync(string segments, TimeSpan duration, int concurrency, TextWriter output)
    {
        output.WriteLine($"audit journal: {concurrency} concurrent appenders, {duration.TotalSeconds:0.#} s, each append waits for its fsync ({segments})");
        await using var writer = AuditSegmentWriter.Open(new AuditOptions { SegmentDirectory = segments }, TimeProvider.System);
        var record = Record(0, DateTimeOffset.UtcNow);
        var size = AuditRecordSerializer.Serialize(record).Length;

        // Warm up so the JIT has tiered up before the measured run.
        await RunAppendersAsync(writer, record, concurrency, TimeSpan.FromMilliseconds(500), null);
        var before = writer.Statistics;
        var latencies = new LatencySamples(4_000_000);
        var watch = Stopwatch.StartNew();
        await RunAppendersAsync(writer, record, concurrency, duration, latencies);
        watch.Stop();
        var after = writer.Statistics;

        var appended = after.Appended - before.Appended;
        var flushes = after.Flushes - before.Flushes;
        var latency = latencies.Summarize();
        output.WriteLine(
            $"  {appended / watch.Elapsed.TotalSeconds,10:N0} records/s  {flushes / watch.Elapsed.TotalSeconds,8:N0} fsyncs/s  {(double)appended / Math.Max(1, flushes),6:0.0} records/fsync  "
            + $"{size} B/record  append p50 {latency.P50:0.00} ms  p99 {latency.P99:0.00} ms");
    }

    private static Task RunAppendersAsync(AuditSegmentWriter writer, AuditRecord record, int concurrency, TimeSpan duration, LatencySamples? latencies)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                var start = Stopwatch.GetTimestamp();
                await writer.AppendAsync(record, CancellationToken.None);
                latencies?.Add(Stopwatch.GetElapsedTime(start));
            }
        })));
    }

    private static async Task MeasureLookupAsync(string root, int rows, TextWriter output)
    {
        var path = Path.Combine(root, "lookup.db");
        output.WriteLine($"audit lookup: {rows:N0} synthetic records over 90 days, journalled, then indexed as the server does ({path})");
        await using var journal = AuditSegmentWriter.Open(new AuditOptions { SegmentDirectory = Path.Combine(root, "lookup-segments") }, TimeProvider.System);
        await using var database = SqliteDatabase.Open(path);
        var index = new AuditLookupIndex(database, journal);
        var now = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var start = now.AddDays(-90);
        var step = TimeSpan.FromDays(90) / rows;

        // Many appenders at once, so the journal's group commit fills it quickly; in time order within each group.
        for (var i = 0; i < rows; i += AppendGroup)
        {
            var group = Enumerable.Range(i, Math.Min(AppendGroup, rows - i));
            await Task.WhenAll(group.Select(n => journal.AppendAsync(Record(n, start + (step * n)), CancellationToken.None)));
        }

        var watch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        index.CatchUp(CancellationToken.None);
        watch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        output.WriteLine(
            $"  indexed {rows / watch.Elapsed.TotalSeconds:N0} records/s ({watch.Elapsed.TotalSeconds:0.0} s, {cpu.TotalMicroseconds / rows:0.0} µs CPU per record), "
            + $"database {(new FileInfo(path).Length + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0)) / (1024.0 * 1024):N1} MiB");

        var lastDay = now.AddDays(-1);
        var lastWeek = now.AddDays(-7);
        (string Name, AuditQuery Query)[] queries =
        [
            ("newest 50, no filter", new AuditQuery()),
            ("last day", new AuditQuery { StartTime = lastDay, EndTime = now }),
            ("username, 90 days", new AuditQuery { StartTime = start, EndTime = now, Username = "user-417" }),
            ("principal ARN", new AuditQuery { PrincipalArn = $"arn:aws:iam::{Account}:user/user-417" }),
            ("access key id", new AuditQuery { AccessKeyId = "AKIAEXAMPLE000000417" }),
            ("rare event name", new AuditQuery { EventName = "DeleteBucket" }),
            ("common event name, last week", new AuditQuery { EventName = "GetObject", StartTime = lastWeek, EndTime = now }),
            ("bucket + key prefix", new AuditQuery { Bucket = "bucket-17", KeyPrefix = "home/user-17/" }),
            ("bucket + broad key prefix", new AuditQuery { Bucket = "bucket-17", KeyPrefix = "home/" }),
            ("bucket + rare key prefix", new AuditQuery { Bucket = "bucket-17", KeyPrefix = "home/user-17/file-999917" }),
            ("error code, last week", new AuditQuery { ErrorCode = "AccessDenied", StartTime = lastWeek, EndTime = now }),
            ("source IP", new AuditQuery { SourceIpAddress = "10.0.1.44" }),
            ("event id", new AuditQuery { EventId = EventId(rows / 2).ToString() }),
            ("no match, 90 days", new AuditQuery { Username = "nobody", StartTime = start, EndTime = now }),
            ("resource type, last day", new AuditQuery { ResourceType = "AWS::S3::Bucket", StartTime = lastDay, EndTime = now }),
            ("resource name (bucket), 90 days", new AuditQuery { ResourceName = "bucket-17", StartTime = start, EndTime = now }),
            ("resource name (object ARN)", new AuditQuery { ResourceName = "arn:aws:s3:::bucket-17/home/user-17/file-999917.dat" }),
        ];

        foreach (var (name, query) in queries)
        {
            await MeasureQueryAsync(index, name, query, output);
        }

        var first = await index.QueryAsync(new AuditQuery { Username = "user-417" }, CancellationToken.None);
        await MeasureQueryAsync(index, "username, page 2", new AuditQuery { Username = "user-417", NextToken = first.NextToken }, output);
    }

    private static async Task MeasureQueryAsync(AuditLookupIndex index, string name, AuditQuery query, TextWriter output)
    {
        var times = new List<double>();
        var found = 0;
        for (var run = 0; run < QueryRuns; run++)
        {
            var watch = Stopwatch.StartNew();
            var page = await index.QueryAsync(query, CancellationToken.None);
            times.Add(watch.Elapsed.TotalMilliseconds);
            found = page.Events.Count;
        }

        times.Sort();
        output.WriteLine($"  {name,-30} {found,3} events  median {times[times.Count / 2],8:0.00} ms  first {times[0],8:0.00} ms  max {times[^1],8:0.00} ms");
    }

    private static Guid EventId(int i) => new(i, 0, 0, [0, 0, 0, 0, 0, 0, 0, 0]);

    /// <summary>Record i of a mix: 1,000 users, 50 buckets, 500 addresses, 2% denied, one DeleteBucket in a thousand.</summary>
    private static AuditRecord Record(int i, DateTimeOffset time)
    {
        var user = $"user-{i % 1000}";
        var bucket = $"bucket-{i % 50}";
        var key = $"home/user-{i % 100}/file-{i}.dat";
        var eventName = i % 1000 == 999 ? "DeleteBucket" : (i % 3) switch { 0 => "PutObject", 1 => "GetObject", _ => "ListObjectsV2" };
        var denied = i % 50 == 0;
        return new AuditRecord
        {
            UserIdentity = new AuditUserIdentity
            {
                Type = AuditIdentityType.IamUser,
                PrincipalId = $"AIDAEXAMPLE{i % 1000:D9}",
                Arn = $"arn:aws:iam::{Account}:user/{user}",
                AccountId = Account,
                AccessKeyId = $"AKIAEXAMPLE{i % 1000:D9}",
                UserName = user,
            },
            EventTime = time,
            EventSource = "s3.amazonaws.com",
            EventName = eventName,
            AwsRegion = "us-east-1",
            SourceIPAddress = $"10.0.{i % 500 / 100}.{i % 100}",
            UserAgent = "aws-sdk-dotnet/4.0 ua/2.1 os/linux lang/.NET",
            ErrorCode = denied ? "AccessDenied" : null,
            ErrorMessage = denied ? "Access Denied" : null,
            RequestParameters = new JsonObject { ["bucketName"] = bucket, ["Host"] = "files.example.com", ["key"] = key },
            AdditionalEventData = new AuditAdditionalEventData { SignatureVersion = "SigV4", BytesTransferredIn = 4096, AuthenticationMethod = "AuthHeader", BytesTransferredOut = 0 },
            RequestId = $"{i:X16}",
            EventId = EventId(i),
            ReadOnly = eventName != "PutObject" && eventName != "DeleteBucket",
            Resources = [new AuditResource { Type = "AWS::S3::Object", Arn = $"arn:aws:s3:::{bucket}/{key}" }, new AuditResource { AccountId = Account, Type = "AWS::S3::Bucket", Arn = $"arn:aws:s3:::{bucket}" }],
            RecipientAccountId = Account,
            EventCategory = AuditEventCategory.Data,
        };
    }
}
