using System.Net;
using System.Text.Json;
using Coffer.Bench.Audit;
using Coffer.Bench.Baseline;
using Coffer.Bench.Policy;
using Coffer.Bench.Reporting;
using Coffer.Bench.S3;
using Coffer.Bench.Segments;

namespace Coffer.Bench.Cli;

/// <summary>Parses the sub-command and its options, and runs it.</summary>
internal static class BenchCommand
{
    private const string Usage = """
        usage:
          coffer-bench s3 --endpoint URL --access-key K --secret-key S [--region us-east-1] [--bucket NAME]
                          [--large-size 1GiB] [--small-size 4KiB] [--small-ops 20000] [--concurrency 32]
                          [--phase-timeout 600] [--max-errors 100] [--keep] [--json FILE]
              Writes and reads one large object over a single stream, then writes, reads and deletes
              --small-ops small objects with --concurrency clients; prints MiB/s, ops/s and latency
              percentiles. Access and secret key default to AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
              --large-size 0 or --small-ops 0 skips that half.
          coffer-bench multipart --endpoint URL --access-key K --secret-key S [--region us-east-1] [--bucket NAME]
                          [--size 4GiB] [--part-size 64MiB] [--parallel 8] [--phase-timeout 600] [--keep] [--json FILE]
              CreateMultipartUpload, --parallel concurrent UploadPart requests of --part-size, then
              CompleteMultipartUpload (timed on its own too); then --parallel concurrent ranged GETs of
              --part-size each over the whole object; then a single PUT of --size for comparison.
          coffer-bench versions --endpoint URL --access-key K --secret-key S [--region us-east-1] --bucket NAME
                          [--key K] [--versions 10000] [--size 4KiB] [--concurrency 32] [--max-keys 1000] [--rounds 20]
              Writes --versions versions of one key concurrently into a bucket with versioning enabled,
              then times ListObjectVersions: every page of the whole listing (--rounds times) and the
              first page with the key as prefix (10 x --rounds times); prints p50/p99 ms of each.
          coffer-bench baseline [--listen 127.0.0.1:0]
              A bare Kestrel server answering the same requests with no auth and no storage;
              prints "listening on http://HOST:PORT" and runs until SIGTERM or Ctrl+C.
          coffer-bench policy [--seconds 3]
              Decisions per second of the IAM policy engine for a typical user (3 policies,
              10 statements, 2 conditions), an allowed and a denied request, single thread;
              prints decisions/s, ns and allocated bytes per decision.
          coffer-bench segments [--seconds 3]
              Encryption at rest's segment format in process, single thread: a 64 MiB object
              encrypted and decrypted in 1 MiB blocks, a 4 KiB range of it, 4 KiB objects, and bare
              AES-GCM as the bound; prints MiB/s, ops/s and allocated bytes per operation.
          coffer-bench audit [--seconds 3] [--concurrency 32] [--rows 1000000] [--dir DIR]
              The audit trail in process: records/s of the segment journal with --concurrency appenders
              each waiting for its fsync (group commit), then a lookup index of --rows synthetic records
              over 90 days, filled in batches and queried with each filter; prints records/s and query
              times. --rows 0 skips the index; --dir keeps the files there instead of a removed temp dir.
          coffer-bench report [--result NAME=FILE]... [--missing NAME=REASON]... [--dd-mibs X]
                              [--rss-large NAME=KB]... [--rss NAME=KB]...
                              [--mp-result NAME=FILE]... [--mp-missing NAME=REASON]... [--mp-dd-mibs X] [--mp-rss NAME=KB]...
              Merges s3 JSON reports into a markdown table with the ratios Coffer is judged by, and
              multipart JSON reports (--mp-*) into a second one. Names baseline, coffer and ceph feed the ratios.
        """;

    /// <summary>S3's bounds on a part (the last may be smaller) and on the number of parts.</summary>
    private const long MinPartSize = 5 * ByteSize.MiB;
    private const long MaxPartSize = 5 * ByteSize.GiB;
    private const int MaxParts = 10_000;

    private static readonly string[] S3Options =
        ["endpoint", "access-key", "secret-key", "region", "bucket", "large-size", "small-size", "small-ops", "concurrency", "phase-timeout", "max-errors", "json"];

    private static readonly string[] S3Flags = ["keep"];

    private static readonly string[] MultipartOptions =
        ["endpoint", "access-key", "secret-key", "region", "bucket", "size", "part-size", "parallel", "phase-timeout", "json"];

    private static readonly string[] VersionsOptions =
        ["endpoint", "access-key", "secret-key", "region", "bucket", "key", "versions", "size", "concurrency", "max-keys", "rounds"];

    private static readonly string[] BaselineOptions = ["listen"];

    private static readonly string[] SecondsOption = ["seconds"];

    private static readonly string[] AuditOptions = ["seconds", "concurrency", "rows", "dir"];

    private static readonly string[] ReportOptions =
        ["result", "missing", "dd-mibs", "rss-large", "rss", "mp-result", "mp-missing", "mp-dd-mibs", "mp-rss"];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.Error.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            var rest = args.AsSpan(1);
            return args[0] switch
            {
                "s3" => await RunS3Async(CommandLine.Parse(rest, S3Options, S3Flags)),
                "multipart" => await RunMultipartAsync(CommandLine.Parse(rest, MultipartOptions, S3Flags)),
                "versions" => await RunVersionsAsync(CommandLine.Parse(rest, VersionsOptions)),
                "baseline" => await RunBaselineAsync(CommandLine.Parse(rest, BaselineOptions)),
                "policy" => PolicyBenchmark.Run(Seconds(rest), Console.Out),
                "segments" => SegmentBenchmark.Run(Seconds(rest), Console.Out),
                "audit" => await RunAuditAsync(CommandLine.Parse(rest, AuditOptions)),
                "report" => RunReport(CommandLine.Parse(rest, ReportOptions)),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"coffer-bench: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (BenchException e)
        {
            Console.Error.WriteLine($"coffer-bench: {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            Console.Error.WriteLine($"coffer-bench: {e.Message}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("coffer-bench: stopped (interrupted, or the server did not answer set-up requests in time)");
            return 1;
        }
    }

    private static async Task<int> RunS3Async(CommandLine commandLine)
    {
        var (endpoint, accessKey, secretKey) = Target(commandLine);
        var options = new S3BenchOptions
        {
            Endpoint = endpoint,
            AccessKey = accessKey,
            SecretKey = secretKey,
            Region = commandLine.GetString("region", "us-east-1"),
            Bucket = commandLine.GetString("bucket", "coffer-bench"),
            LargeSize = commandLine.GetSize("large-size", ByteSize.GiB),
            SmallSize = commandLine.GetSize("small-size", 4 * ByteSize.KiB),
            SmallOperations = commandLine.GetInt("small-ops", 20_000, 0, 10_000_000),
            Concurrency = commandLine.GetInt("concurrency", 32, 1, 4096),
            PhaseTimeout = TimeSpan.FromSeconds(commandLine.GetInt("phase-timeout", 600, 1, 86_400)),
            MaxErrors = commandLine.GetInt("max-errors", 100, 1, int.MaxValue),
            Keep = commandLine.HasFlag("keep"),
            JsonPath = commandLine.GetString("json"),
        };

        using var cancellation = CancelOnCtrlC();
        var report = await new S3Benchmark(options, TimeProvider.System, Console.Out).RunAsync(cancellation.Token);
        if (options.JsonPath is not null)
        {
            await using var file = File.Create(options.JsonPath);
            await JsonSerializer.SerializeAsync(file, report, BenchJsonContext.Default.BenchReport, cancellation.Token);
        }

        return report.Phases.Any(p => p.Errors > 0 || p.FirstError is not null) ? 1 : 0;
    }

    private static async Task<int> RunMultipartAsync(CommandLine commandLine)
    {
        var (endpoint, accessKey, secretKey) = Target(commandLine);
        var options = new MultipartBenchOptions
        {
            Endpoint = endpoint,
            AccessKey = accessKey,
            SecretKey = secretKey,
            Region = commandLine.GetString("region", "us-east-1"),
            Bucket = commandLine.GetString("bucket", "coffer-bench"),
            Size = commandLine.GetSize("size", 4 * ByteSize.GiB),
            PartSize = commandLine.GetSize("part-size", 64 * ByteSize.MiB),
            Parallel = commandLine.GetInt("parallel", 8, 1, 256),
            PhaseTimeout = TimeSpan.FromSeconds(commandLine.GetInt("phase-timeout", 600, 1, 86_400)),
            Keep = commandLine.HasFlag("keep"),
            JsonPath = commandLine.GetString("json"),
        };

        // S3's limits, so that a figure measured here is one a real client could get.
        if (options.Size <= 0)
        {
            throw new UsageException("--size must be more than 0");
        }

        if (options.PartSize is < MinPartSize or > MaxPartSize)
        {
            throw new UsageException($"--part-size must be from {ByteSize.Format(MinPartSize)} to {ByteSize.Format(MaxPartSize)}, as S3 allows");
        }

        if (options.PartCount > MaxParts)
        {
            throw new UsageException($"--size / --part-size makes {options.PartCount} parts; S3 allows {MaxParts}");
        }

        using var cancellation = CancelOnCtrlC();
        var report = await new MultipartBenchmark(options, TimeProvider.System, Console.Out).RunAsync(cancellation.Token);
        if (options.JsonPath is not null)
        {
            await using var file = File.Create(options.JsonPath);
            await JsonSerializer.SerializeAsync(file, report, BenchJsonContext.Default.MultipartReport, cancellation.Token);
        }

        return report.Phases.Any(p => p.Errors > 0 || p.FirstError is not null) ? 1 : 0;
    }

    private static async Task<int> RunVersionsAsync(CommandLine commandLine)
    {
        var (endpoint, accessKey, secretKey) = Target(commandLine);
        var options = new VersionsBenchOptions
        {
            Endpoint = endpoint,
            AccessKey = accessKey,
            SecretKey = secretKey,
            Region = commandLine.GetString("region", "us-east-1"),
            Bucket = commandLine.Require("bucket"),
            Key = commandLine.GetString("key", "versioned-object"),
            Versions = commandLine.GetInt("versions", 10_000, 0, 10_000_000),
            Size = commandLine.GetSize("size", 4 * ByteSize.KiB),
            Concurrency = commandLine.GetInt("concurrency", 32, 1, 4096),
            MaxKeys = commandLine.GetInt("max-keys", 1000, 1, 1000),
            Rounds = commandLine.GetInt("rounds", 20, 1, 10_000),
        };

        using var cancellation = CancelOnCtrlC();
        return await new VersionsBenchmark(options, TimeProvider.System, Console.Out).RunAsync(cancellation.Token);
    }

    private static Task<int> RunAuditAsync(CommandLine commandLine) =>
        AuditBenchmark.RunAsync(
            TimeSpan.FromSeconds(commandLine.GetInt("seconds", 3, 1, 600)),
            commandLine.GetInt("concurrency", 32, 1, 4096),
            commandLine.GetInt("rows", 1_000_000, 0, 100_000_000),
            commandLine.GetString("dir"),
            Console.Out);

    private static TimeSpan Seconds(ReadOnlySpan<string> args) =>
        TimeSpan.FromSeconds(CommandLine.Parse(args, SecondsOption).GetInt("seconds", 3, 1, 600));

    private static (Uri Endpoint, string AccessKey, string SecretKey) Target(CommandLine commandLine)
    {
        var endpointText = commandLine.Require("endpoint");
        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"--endpoint '{endpointText}' is not an http(s) URL");
        }

        var accessKey = commandLine.GetString("access-key") ?? Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")
            ?? throw new UsageException("--access-key is required (or AWS_ACCESS_KEY_ID)");
        var secretKey = commandLine.GetString("secret-key") ?? Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")
            ?? throw new UsageException("--secret-key is required (or AWS_SECRET_ACCESS_KEY)");
        return (endpoint, accessKey, secretKey);
    }

    private static CancellationTokenSource CancelOnCtrlC()
    {
        var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        return cancellation;
    }

    private static async Task<int> RunBaselineAsync(CommandLine commandLine)
    {
        var listen = commandLine.GetString("listen", "127.0.0.1:0");
        if (!IPEndPoint.TryParse(listen, out var endpoint))
        {
            throw new UsageException($"--listen '{listen}' is not HOST:PORT");
        }

        await BaselineServer.RunAsync(endpoint, Console.Out, CancellationToken.None);
        return 0;
    }

    private static int RunReport(CommandLine commandLine)
    {
        Console.Out.Write(ComparisonReport.FromCommandLine(commandLine).ToMarkdown());
        return 0;
    }
}
