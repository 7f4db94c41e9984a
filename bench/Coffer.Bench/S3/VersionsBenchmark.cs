using System.Globalization;
using Coffer.Bench.Cli;
using Coffer.Bench.Measurement;

namespace Coffer.Bench.S3;

/// <summary>
/// The <c>versions</c> command: writes many versions of one key concurrently, then times
/// ListObjectVersions over them: every page of a whole listing, and the first page asked for
/// with the key as prefix (what a client showing one object's history does).
/// </summary>
internal sealed class VersionsBenchmark(VersionsBenchOptions options, TimeProvider time, TextWriter output)
{
    private const int FirstPagesPerRound = 10;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var client = new S3BenchClient(options.Endpoint, options.AccessKey, options.SecretKey, options.Region, options.Concurrency, time);
        if (!await client.BucketExistsAsync(options.Bucket, cancellationToken))
        {
            throw new BenchException($"bucket {options.Bucket} does not exist; make it and enable versioning first");
        }

        if (options.Versions > 0)
        {
            await WriteVersionsAsync(client, cancellationToken);
        }

        // One unmeasured listing warms the server and says how many pages a listing takes.
        var (entries, pageCount) = await ListAllAsync(client, new LatencySamples(0), new LatencySamples(0), cancellationToken);
        var pages = new LatencySamples(options.Rounds * pageCount);
        var listings = new LatencySamples(options.Rounds);
        for (var round = 0; round < options.Rounds; round++)
        {
            (entries, pageCount) = await ListAllAsync(client, pages, listings, cancellationToken);
        }

        var firstPages = new LatencySamples(options.Rounds * FirstPagesPerRound);
        for (var i = 0; i < options.Rounds * FirstPagesPerRound; i++)
        {
            var start = time.GetTimestamp();
            var page = await client.ListObjectVersionsAsync(options.Bucket, options.Key, options.MaxKeys, null, null, cancellationToken);
            firstPages.Add(time.GetElapsedTime(start));
            if (page.Entries != Math.Min(options.MaxKeys, entries))
            {
                throw new BenchException($"the first page held {page.Entries} entries, expected {Math.Min(options.MaxKeys, entries)}");
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"listing: {entries} entries in {pageCount} pages of max-keys {options.MaxKeys}, {options.Rounds} rounds"));
        Write("list-page", pages.Summarize(), pages.Count);
        Write("list-all", listings.Summarize(), listings.Count);
        Write("list-first-prefix", firstPages.Summarize(), firstPages.Count);
        return 0;
    }

    private async Task WriteVersionsAsync(S3BenchClient client, CancellationToken cancellationToken)
    {
        var pattern = PatternBuffer.Create();
        var next = -1;
        var start = time.GetTimestamp();
        var workers = Enumerable.Range(0, options.Concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < options.Versions)
            {
                await client.PutObjectAsync(options.Bucket, options.Key, pattern, options.Size, cancellationToken);
            }
        });
        await Task.WhenAll(workers);
        var seconds = time.GetElapsedTime(start).TotalSeconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"put-versions: {options.Versions} versions of {options.Key} in {seconds:0.0} s ({options.Versions / seconds:0} ops/s)"));
    }

    /// <summary>Every page of the bucket's versions, each timed, and the whole listing timed.</summary>
    private async Task<(int Entries, int Pages)> ListAllAsync(S3BenchClient client, LatencySamples pages, LatencySamples listings, CancellationToken cancellationToken)
    {
        string? keyMarker = null, versionIdMarker = null;
        var entries = 0;
        var count = 0;
        var whole = time.GetTimestamp();
        while (true)
        {
            var start = time.GetTimestamp();
            var page = await client.ListObjectVersionsAsync(options.Bucket, null, options.MaxKeys, keyMarker, versionIdMarker, cancellationToken);
            pages.Add(time.GetElapsedTime(start));
            entries += page.Entries;
            count++;
            if (!page.IsTruncated)
            {
                break;
            }

            (keyMarker, versionIdMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
        }

        listings.Add(time.GetElapsedTime(whole));
        return (entries, count);
    }

    private void Write(string name, LatencySummary summary, int samples) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: samples {samples} p50_ms {summary.P50:0.00} p99_ms {summary.P99:0.00} mean_ms {summary.Mean:0.00}"));
}
