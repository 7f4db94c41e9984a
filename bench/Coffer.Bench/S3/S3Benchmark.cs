using System.Globalization;
using Coffer.Bench.Cli;
using Coffer.Bench.Measurement;
using Coffer.Bench.Reporting;

namespace Coffer.Bench.S3;

/// <summary>
/// The phases of the <c>s3</c> command, in order: one large object written and read by a single
/// stream, then many small objects written, read and deleted by concurrent clients.
/// </summary>
internal sealed class S3Benchmark(S3BenchOptions options, TimeProvider time, TextWriter output)
{
    private const int ScratchLength = 256 * 1024;

    /// <summary>Bucket creation and warm-up are a few small requests; a server that needs longer is not ready.</summary>
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(60);

    private readonly ReadOnlyMemory<byte> _pattern = PatternBuffer.Create();
    private readonly PhaseRunner _runner = new(options.PhaseTimeout, time, output);

    public async Task<BenchReport> RunAsync(CancellationToken cancellationToken)
    {
        using var client = new S3BenchClient(options.Endpoint, options.AccessKey, options.SecretKey, options.Region, options.Concurrency, time);
        var bucket = options.Bucket;
        var prefix = $"bench-{time.GetUtcNow():yyyyMMddHHmmss}-{Random.Shared.Next(0x10000):x4}/";

        var createdBucket = false;
        using (var setup = _runner.Deadline(cancellationToken, SetupTimeout))
        {
            if (!await client.BucketExistsAsync(bucket, setup.Token))
            {
                createdBucket = await client.CreateBucketAsync(bucket, setup.Token);
            }

            // One round trip of each kind first, so that connection set-up and JIT stay out of the figures.
            var warmKey = prefix + "warm-up";
            await client.PutObjectAsync(bucket, warmKey, _pattern, options.SmallSize, setup.Token);
            await client.GetObjectAsync(bucket, warmKey, options.SmallSize, new byte[ScratchLength], setup.Token);
            await client.DeleteObjectAsync(bucket, warmKey, setup.Token);
        }

        output.WriteLine($"endpoint {options.Endpoint}  bucket {bucket}{(createdBucket ? " (created)" : string.Empty)}  prefix {prefix}");
        ResultTable.WriteHeader(output);

        if (options.LargeSize > 0)
        {
            var largeKey = prefix + "large";
            var put = await _runner.RunSingleAsync("large-put", options.LargeSize, async ct => await client.PutObjectAsync(bucket, largeKey, _pattern, options.LargeSize, ct), cancellationToken);
            _runner.Report(put);
            if (put.Operations == 1)
            {
                var scratch = new byte[ScratchLength];
                _runner.Report(await _runner.RunSingleAsync("large-get", options.LargeSize, async ct =>
                {
                    await client.GetObjectAsync(bucket, largeKey, options.LargeSize, scratch, ct);
                    return null;
                }, cancellationToken));
                if (!options.Keep)
                {
                    await _runner.CleanUpAsync(ct => client.DeleteObjectAsync(bucket, largeKey, ct), cancellationToken);
                }
            }
        }

        if (options.SmallOperations > 0)
        {
            await WarmConnectionsAsync(client, bucket, prefix, cancellationToken);
            var size = options.SmallSize;
            string Key(int index) => prefix + "small/" + index.ToString("D8", CultureInfo.InvariantCulture);

            var put = await RunConcurrentAsync("small-put", size, (i, _, ct) => client.PutObjectAsync(bucket, Key(i), _pattern, size, ct), cancellationToken);
            _runner.Report(put);
            _runner.Report(await RunConcurrentAsync("small-get", size, (i, scratch, ct) => client.GetObjectAsync(bucket, Key(i), size, scratch, ct), cancellationToken));
            if (!options.Keep)
            {
                _runner.Report(await RunConcurrentAsync("small-delete", 0, (i, _, ct) => client.DeleteObjectAsync(bucket, Key(i), ct), cancellationToken));
            }
        }

        if (createdBucket && !options.Keep)
        {
            await _runner.CleanUpAsync(ct => client.DeleteBucketAsync(bucket, ct), cancellationToken);
        }

        return new BenchReport
        {
            Endpoint = options.Endpoint.ToString(),
            Bucket = bucket,
            LargeSize = options.LargeSize,
            SmallSize = options.SmallSize,
            SmallOperations = options.SmallOperations,
            Concurrency = options.Concurrency,
            StartedAt = time.GetUtcNow(),
            Phases = _runner.Phases,
        };
    }

    /// <summary>
    /// <see cref="S3BenchOptions.Concurrency"/> workers take operation numbers from one counter until
    /// every operation ran, the phase's time is up, or too many failed.
    /// </summary>
    private async Task<PhaseResult> RunConcurrentAsync(string name, long bytesPerOperation, Func<int, Memory<byte>, CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        var count = options.SmallOperations;
        var samples = new LatencySamples(count);
        var next = -1;
        var errors = 0;
        string? firstError = null;
        using var deadline = _runner.Deadline(cancellationToken);

        async Task WorkAsync()
        {
            var scratch = new byte[ScratchLength];
            while (!deadline.IsCancellationRequested && Volatile.Read(ref errors) < options.MaxErrors)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= count)
                {
                    return;
                }

                var start = time.GetTimestamp();
                try
                {
                    await operation(index, scratch, deadline.Token);
                    samples.Add(time.GetElapsedTime(start));
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (PhaseRunner.IsRequestFailure(e))
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        }

        var phaseStart = time.GetTimestamp();
        var workers = new Task[options.Concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(WorkAsync, CancellationToken.None);
        }

        await Task.WhenAll(workers);
        var elapsed = time.GetElapsedTime(phaseStart);
        cancellationToken.ThrowIfCancellationRequested();
        if (samples.Count + errors < count && firstError is null)
        {
            firstError = $"stopped after {options.PhaseTimeout.TotalSeconds:0}s with {samples.Count} of {count} operations done";
        }

        return PhaseResult.From(name, samples, bytesPerOperation, elapsed, errors, firstError);
    }

    /// <summary>Opens the client's connections before the small phases, so that they time requests, not TCP handshakes.</summary>
    private async Task WarmConnectionsAsync(S3BenchClient client, string bucket, string prefix, CancellationToken cancellationToken)
    {
        using var deadline = _runner.Deadline(cancellationToken, SetupTimeout);
        var key = prefix + "warm-connections";
        await client.PutObjectAsync(bucket, key, _pattern, options.SmallSize, deadline.Token);
        var readers = new Task[options.Concurrency];
        for (var i = 0; i < readers.Length; i++)
        {
            readers[i] = client.GetObjectAsync(bucket, key, options.SmallSize, new byte[ScratchLength], deadline.Token);
        }

        await Task.WhenAll(readers);
        await client.DeleteObjectAsync(bucket, key, deadline.Token);
    }
}
