using Coffer.Bench.Cli;
using Coffer.Bench.Measurement;
using Coffer.Bench.Reporting;

namespace Coffer.Bench.S3;

/// <summary>
/// The phases of the <c>multipart</c> command, in order: one object uploaded in parts by parallel
/// UploadPart requests and completed, read back by parallel ranged GETs, then the same size written
/// again by a single PUT for comparison.
/// </summary>
internal sealed class MultipartBenchmark(MultipartBenchOptions options, TimeProvider time, TextWriter output)
{
    /// <summary>From CreateMultipartUpload to the CompleteMultipartUpload answer; latencies are UploadPart's.</summary>
    public const string PutPhase = "mp-put";

    /// <summary>CompleteMultipartUpload alone: from sending it to the end of its answer.</summary>
    public const string CompletePhase = "mp-complete";

    public const string RangedGetPhase = "mp-ranged-get";

    public const string SinglePutPhase = "mp-single-put";

    /// <summary>S3 refuses a single PUT above 5 GiB; larger sizes skip that phase.</summary>
    public const long MaxSinglePutSize = 5 * ByteSize.GiB;

    private const int ScratchLength = 256 * 1024;
    private const long WarmUpSize = 4 * ByteSize.KiB;

    /// <summary>Bucket creation and warm-up are a few small requests; a server that needs longer is not ready.</summary>
    private static readonly TimeSpan SetupTimeout = TimeSpan.FromSeconds(60);

    private readonly ReadOnlyMemory<byte> _pattern = PatternBuffer.Create();
    private readonly PhaseRunner _runner = new(options.PhaseTimeout, time, output);

    public async Task<MultipartReport> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = time.GetUtcNow();
        using var client = new S3BenchClient(options.Endpoint, options.AccessKey, options.SecretKey, options.Region, options.Parallel, time);
        var bucket = options.Bucket;
        var prefix = $"bench-{startedAt:yyyyMMddHHmmss}-{Random.Shared.Next(0x10000):x4}/";
        var createdBucket = await SetUpAsync(client, bucket, prefix, cancellationToken);

        output.WriteLine($"endpoint {options.Endpoint}  bucket {bucket}{(createdBucket ? " (created)" : string.Empty)}  prefix {prefix}");
        output.WriteLine($"{ByteSize.Format(options.Size)} in {options.PartCount} parts of {ByteSize.Format(options.PartSize)}, {options.Parallel} at a time; ranged GETs of the same size");
        ResultTable.WriteHeader(output);

        var key = prefix + "multipart";
        if (await UploadAsync(client, bucket, key, cancellationToken))
        {
            _runner.Report(await RangedGetAsync(client, bucket, key, cancellationToken));

            // Deleted before the single PUT, so that the run never needs the object twice on disk.
            if (!options.Keep)
            {
                await _runner.CleanUpAsync(ct => client.DeleteObjectAsync(bucket, key, ct), cancellationToken);
            }
        }

        if (options.Size <= MaxSinglePutSize)
        {
            var singleKey = prefix + "single";
            var put = await _runner.RunSingleAsync(SinglePutPhase, options.Size, async ct => await client.PutObjectAsync(bucket, singleKey, _pattern, options.Size, ct), cancellationToken);
            _runner.Report(put);
            if (put.Operations == 1 && !options.Keep)
            {
                await _runner.CleanUpAsync(ct => client.DeleteObjectAsync(bucket, singleKey, ct), cancellationToken);
            }
        }
        else
        {
            output.WriteLine($"  {SinglePutPhase}: skipped; S3 caps a single PUT at {ByteSize.Format(MaxSinglePutSize)}");
        }

        if (createdBucket && !options.Keep)
        {
            await _runner.CleanUpAsync(ct => client.DeleteBucketAsync(bucket, ct), cancellationToken);
        }

        return new MultipartReport
        {
            Endpoint = options.Endpoint.ToString(),
            Bucket = bucket,
            Size = options.Size,
            PartSize = options.PartSize,
            Parallel = options.Parallel,
            StartedAt = startedAt,
            Phases = _runner.Phases,
        };
    }

    /// <summary>
    /// Creates the bucket if needed, then one small multipart upload and <see cref="MultipartBenchOptions.Parallel"/>
    /// concurrent ranged GETs of it: every request kind has been answered once (JIT, connections) and the
    /// endpoint is known to support them before anything is timed. True when this run created the bucket.
    /// </summary>
    private async Task<bool> SetUpAsync(S3BenchClient client, string bucket, string prefix, CancellationToken cancellationToken)
    {
        using var setup = _runner.Deadline(cancellationToken, SetupTimeout);
        var created = false;
        if (!await client.BucketExistsAsync(bucket, setup.Token))
        {
            created = await client.CreateBucketAsync(bucket, setup.Token);
        }

        var key = prefix + "warm-up";
        var uploadId = await client.CreateMultipartUploadAsync(bucket, key, setup.Token);
        try
        {
            var etag = await client.UploadPartAsync(bucket, key, uploadId, 1, _pattern, WarmUpSize, setup.Token);
            await client.CompleteMultipartUploadAsync(bucket, key, uploadId, [etag], setup.Token);
        }
        catch
        {
            await _runner.CleanUpAsync(ct => client.AbortMultipartUploadAsync(bucket, key, uploadId, ct), cancellationToken);
            throw;
        }

        var readers = new Task[options.Parallel];
        for (var i = 0; i < readers.Length; i++)
        {
            readers[i] = client.GetRangeAsync(bucket, key, 0, (WarmUpSize / 2) - 1, WarmUpSize, new byte[ScratchLength], setup.Token);
        }

        await Task.WhenAll(readers);
        await client.PutObjectAsync(bucket, key, _pattern, WarmUpSize, setup.Token);
        await client.DeleteObjectAsync(bucket, key, setup.Token);
        return created;
    }

    /// <summary>Reports the upload phase and, when the parts all arrived, the completion; true when the object exists.</summary>
    private async Task<bool> UploadAsync(S3BenchClient client, string bucket, string key, CancellationToken cancellationToken)
    {
        var partCount = options.PartCount;
        var etags = new string[partCount];
        var partSamples = new LatencySamples(partCount);
        var completeSamples = new LatencySamples(1);
        var errors = 0;
        string? firstError = null;
        string? uploadId = null;
        TimeSpan? completeElapsed = null;
        string? completeError = null;

        using var deadline = _runner.Deadline(cancellationToken);
        var start = time.GetTimestamp();
        try
        {
            var id = await client.CreateMultipartUploadAsync(bucket, key, deadline.Token);
            uploadId = id;
            (_, errors, firstError) = await RunParallelAsync(partCount, partSamples, async (index, _, ct) =>
            {
                var length = Math.Min(options.PartSize, options.Size - (index * options.PartSize));
                etags[index] = await client.UploadPartAsync(bucket, key, id, index + 1, _pattern, length, ct);
                return length;
            }, deadline.Token);
            cancellationToken.ThrowIfCancellationRequested();

            if (firstError is null)
            {
                var completeStart = time.GetTimestamp();
                try
                {
                    await client.CompleteMultipartUploadAsync(bucket, key, id, etags, deadline.Token);
                    completeElapsed = time.GetElapsedTime(completeStart);
                    completeSamples.Add(completeElapsed.Value);
                }
                catch (Exception e) when (PhaseRunner.IsRequestFailure(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    completeElapsed = time.GetElapsedTime(completeStart);
                    completeError = e is OperationCanceledException ? _runner.TimedOut() : e.Message;
                    throw;
                }
            }
        }
        catch (Exception e) when (PhaseRunner.IsRequestFailure(e) || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            errors++;
            firstError ??= e is OperationCanceledException ? _runner.TimedOut() : e.Message;
        }

        var elapsed = time.GetElapsedTime(start);
        var completed = completeSamples.Count == 1;
        _runner.Report(PhaseResult.FromTotal(PutPhase, partSamples, completed ? options.Size : 0, elapsed, errors, firstError));
        if (completeElapsed is { } completion)
        {
            _runner.Report(PhaseResult.FromTotal(CompletePhase, completeSamples, 0, completion, completed ? 0 : 1, completeError));
        }

        if (!completed && uploadId is not null)
        {
            await _runner.CleanUpAsync(ct => client.AbortMultipartUploadAsync(bucket, key, uploadId, ct), cancellationToken);
        }

        return completed;
    }

    private async Task<PhaseResult> RangedGetAsync(S3BenchClient client, string bucket, string key, CancellationToken cancellationToken)
    {
        var rangeCount = options.PartCount;
        var samples = new LatencySamples(rangeCount);
        using var deadline = _runner.Deadline(cancellationToken);
        var start = time.GetTimestamp();
        var (bytes, errors, firstError) = await RunParallelAsync(rangeCount, samples, async (index, scratch, ct) =>
        {
            var first = index * options.PartSize;
            var last = Math.Min(first + options.PartSize, options.Size) - 1;
            await client.GetRangeAsync(bucket, key, first, last, options.Size, scratch, ct);
            return last - first + 1;
        }, deadline.Token);
        var elapsed = time.GetElapsedTime(start);
        cancellationToken.ThrowIfCancellationRequested();
        return PhaseResult.FromTotal(RangedGetPhase, samples, bytes, elapsed, errors, firstError);
    }

    /// <summary>
    /// <see cref="MultipartBenchOptions.Parallel"/> workers take indexes from one counter until all
    /// <paramref name="count"/> operations ran, the token fires, or one failed: a transfer with a
    /// missing piece has no meaningful rate, so the first failure stops the others.
    /// </summary>
    /// <param name="operation">Returns the payload bytes it moved.</param>
    private async Task<(long Bytes, int Errors, string? FirstError)> RunParallelAsync(
        int count, LatencySamples samples, Func<int, Memory<byte>, CancellationToken, Task<long>> operation, CancellationToken cancellationToken)
    {
        var next = -1;
        long bytes = 0;
        var errors = 0;
        string? firstError = null;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        async Task WorkAsync()
        {
            var scratch = new byte[ScratchLength];
            while (!stop.IsCancellationRequested)
            {
                var index = Interlocked.Increment(ref next);
                if (index >= count)
                {
                    return;
                }

                var start = time.GetTimestamp();
                try
                {
                    Interlocked.Add(ref bytes, await operation(index, scratch, stop.Token));
                    samples.Add(time.GetElapsedTime(start));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (PhaseRunner.IsRequestFailure(e))
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                    await stop.CancelAsync();
                    return;
                }
            }
        }

        var workers = new Task[Math.Min(options.Parallel, count)];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = Task.Run(WorkAsync, CancellationToken.None);
        }

        await Task.WhenAll(workers);
        if (firstError is null && samples.Count < count)
        {
            firstError = $"stopped after {_runner.PhaseTimeout.TotalSeconds:0}s with {samples.Count} of {count} done";
        }

        return (Interlocked.Read(ref bytes), errors, firstError);
    }
}
