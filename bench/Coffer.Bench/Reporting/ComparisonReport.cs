using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Coffer.Bench.Cli;
using Coffer.Bench.Measurement;
using Coffer.Bench.S3;

namespace Coffer.Bench.Reporting;

/// <summary>
/// The markdown summary of one <c>run.sh</c> run: a row per target from the <c>s3</c> JSON reports,
/// the dd bound, and the ratios that say how close Coffer comes to the hardware and to its peers;
/// then the same for the <c>multipart</c> reports, when there are any.
/// </summary>
internal sealed class ComparisonReport
{
    public const string Baseline = "baseline";
    public const string Coffer = "coffer";
    public const string Ceph = "ceph";

    private readonly PhaseTable _single = new();
    private readonly PhaseTable _multipart = new();
    private readonly Dictionary<string, double> _rssLargeMiB = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _rssMiB = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _multipartRssMiB = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private readonly Dictionary<string, int> _noteNumbers = new(StringComparer.Ordinal);
    private MultipartReport? _multipartShape;

    public double? DdMiBPerSecond { get; set; }

    /// <summary>dd of the multipart object's size, the disk bound for the second table.</summary>
    public double? MultipartDdMiBPerSecond { get; set; }

    public void AddResult(string target, BenchReport report) => _single.Add(target, report.Phases);

    public void AddMultipartResult(string target, MultipartReport report)
    {
        _multipart.Add(target, report.Phases);
        _multipartShape ??= report;
    }

    public void AddMissing(string target, string reason) => _single.AddMissing(target, reason);

    public void AddMultipartMissing(string target, string reason) => _multipart.AddMissing(target, reason);

    public void AddPeakRss(string target, long kibibytes, bool largePhase) =>
        (largePhase ? _rssLargeMiB : _rssMiB)[target] = kibibytes / 1024.0;

    public void AddMultipartPeakRss(string target, long kibibytes) => _multipartRssMiB[target] = kibibytes / 1024.0;

    public static ComparisonReport FromCommandLine(CommandLine commandLine)
    {
        var report = new ComparisonReport();
        foreach (var (target, path) in Pairs(commandLine, "result"))
        {
            report.AddResult(target, Read(path, BenchJsonContext.Default.BenchReport));
        }

        foreach (var (target, path) in Pairs(commandLine, "mp-result"))
        {
            report.AddMultipartResult(target, Read(path, BenchJsonContext.Default.MultipartReport));
        }

        foreach (var (target, reason) in Pairs(commandLine, "missing"))
        {
            report.AddMissing(target, reason);
        }

        foreach (var (target, reason) in Pairs(commandLine, "mp-missing"))
        {
            report.AddMultipartMissing(target, reason);
        }

        foreach (var name in new[] { "rss-large", "rss", "mp-rss" })
        {
            foreach (var (target, value) in Pairs(commandLine, name))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var kibibytes))
                {
                    throw new UsageException($"--{name} {target}={value}: expected kB as /proc/PID/status gives them");
                }

                if (name == "mp-rss")
                {
                    report.AddMultipartPeakRss(target, kibibytes);
                }
                else
                {
                    report.AddPeakRss(target, kibibytes, largePhase: name == "rss-large");
                }
            }
        }

        if (!string.IsNullOrEmpty(commandLine.GetString("dd-mibs")))
        {
            report.DdMiBPerSecond = commandLine.GetDouble("dd-mibs", 0);
        }

        if (!string.IsNullOrEmpty(commandLine.GetString("mp-dd-mibs")))
        {
            report.MultipartDdMiBPerSecond = commandLine.GetDouble("mp-dd-mibs", 0);
        }

        return report;
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        var hasMultipart = !_multipart.IsEmpty || MultipartDdMiBPerSecond is not null;
        if (!_single.IsEmpty || DdMiBPerSecond is not null || !hasMultipart)
        {
            WriteSingleTables(text);
        }

        if (hasMultipart)
        {
            if (text.Length > 0)
            {
                text.AppendLine();
            }

            WriteMultipartTables(text);
        }

        if (_notes.Count > 0)
        {
            text.AppendLine();
            foreach (var note in _notes)
            {
                text.AppendLine(note);
            }
        }

        return text.ToString();
    }

    private void WriteSingleTables(StringBuilder text)
    {
        text.AppendLine("| target | large PUT MiB/s | large GET MiB/s | large PUT answer after last byte ms | small PUT ops/s | small GET ops/s | small DELETE ops/s | small PUT p50 / p99 ms | small GET p50 / p99 ms | peak RSS MiB (large phase / whole run) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        if (DdMiBPerSecond is { } dd)
        {
            text.AppendLine($"| dd write, conv=fsync | {dd:0.0} | – | – | – | – | – | – | – | – |");
        }

        foreach (var target in _single.Targets.OrderBy(t => Rank(_single, t)))
        {
            if (_single.MissingReason(target) is { } reason)
            {
                text.AppendLine($"| {DisplayName(target)} | {reason} | | | | | | | | |");
                continue;
            }

            text.Append($"| {DisplayName(target)} | ")
                .Append(Cell(_single, target, "large-put", MiBPerSecond)).Append(" | ")
                .Append(Cell(_single, target, "large-get", MiBPerSecond)).Append(" | ")
                .Append(Cell(_single, target, "large-put", AfterBody)).Append(" | ")
                .Append(Cell(_single, target, "small-put", OpsPerSecond)).Append(" | ")
                .Append(Cell(_single, target, "small-get", OpsPerSecond)).Append(" | ")
                .Append(Cell(_single, target, "small-delete", OpsPerSecond)).Append(" | ")
                .Append(Cell(_single, target, "small-put", Latency)).Append(" | ")
                .Append(Cell(_single, target, "small-get", Latency)).Append(" | ")
                .Append(Rss(target)).AppendLine(" |");
        }

        text.AppendLine();
        text.AppendLine("| ratio | value |");
        text.AppendLine("|---|---:|");
        var bound = Min(_single.Succeeded(Baseline, "large-put")?.MiBPerSecond, DdMiBPerSecond);
        text.AppendLine($"| Coffer large GET / baseline large GET | {Ratio(_single.Succeeded(Coffer, "large-get")?.MiBPerSecond, _single.Succeeded(Baseline, "large-get")?.MiBPerSecond)} |");
        text.AppendLine($"| Coffer large PUT / min(baseline large PUT, dd) | {Ratio(_single.Succeeded(Coffer, "large-put")?.MiBPerSecond, bound)} |");
        text.AppendLine($"| Coffer small PUT ops/s / Ceph | {Ratio(_single.Succeeded(Coffer, "small-put")?.OpsPerSecond, _single.Succeeded(Ceph, "small-put")?.OpsPerSecond)} |");
        text.AppendLine($"| Coffer small GET ops/s / Ceph | {Ratio(_single.Succeeded(Coffer, "small-get")?.OpsPerSecond, _single.Succeeded(Ceph, "small-get")?.OpsPerSecond)} |");
        text.AppendLine($"| Coffer peak RSS MiB (VmHWM) | {(_rssMiB.TryGetValue(Coffer, out var rss) ? rss.ToString("0", CultureInfo.InvariantCulture) : "n/a")} |");
    }

    private void WriteMultipartTables(StringBuilder text)
    {
        if (_multipartShape is { } shape)
        {
            var parts = (shape.Size + shape.PartSize - 1) / shape.PartSize;
            text.AppendLine(CultureInfo.InvariantCulture, $"Multipart: {ByteSize.Format(shape.Size)} in {parts} parts of {ByteSize.Format(shape.PartSize)}, {shape.Parallel} UploadPart requests at a time; ranged GETs of {ByteSize.Format(shape.PartSize)}, {shape.Parallel} at a time; then one PUT of {ByteSize.Format(shape.Size)}.");
            text.AppendLine();
        }

        const string Put = MultipartBenchmark.PutPhase;
        const string Complete = MultipartBenchmark.CompletePhase;
        const string RangedGet = MultipartBenchmark.RangedGetPhase;
        const string SinglePut = MultipartBenchmark.SinglePutPhase;

        text.AppendLine("| target | multipart PUT MiB/s (create → complete) | CompleteMultipartUpload ms | UploadPart p50 / p99 ms | parallel ranged GET MiB/s | ranged GET p50 / p99 ms | single PUT MiB/s | single PUT answer after last byte ms | peak RSS MiB (after multipart) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        if (MultipartDdMiBPerSecond is { } dd)
        {
            text.AppendLine($"| dd write, conv=fsync | {dd:0.0} | – | – | – | – | {dd:0.0} | – | – |");
        }

        foreach (var target in _multipart.Targets.OrderBy(t => Rank(_multipart, t)))
        {
            if (_multipart.MissingReason(target) is { } reason)
            {
                text.AppendLine($"| {DisplayName(target)} | {reason} | | | | | | | |");
                continue;
            }

            var rss = _multipartRssMiB.TryGetValue(target, out var r) ? r.ToString("0", CultureInfo.InvariantCulture) : "–";
            text.Append($"| {DisplayName(target)} | ")
                .Append(Cell(_multipart, target, Put, MiBPerSecond)).Append(" | ")
                .Append(Cell(_multipart, target, Complete, p => p.P50Ms.ToString("0.0", CultureInfo.InvariantCulture))).Append(" | ")
                .Append(Cell(_multipart, target, Put, Latency)).Append(" | ")
                .Append(Cell(_multipart, target, RangedGet, MiBPerSecond)).Append(" | ")
                .Append(Cell(_multipart, target, RangedGet, Latency)).Append(" | ")
                .Append(Cell(_multipart, target, SinglePut, MiBPerSecond)).Append(" | ")
                .Append(Cell(_multipart, target, SinglePut, AfterBody)).Append(" | ")
                .Append(rss).AppendLine(" |");
        }

        // Only clean phases feed these: a multipart upload with a failed part or completion has no rate.
        double? Rate(string target, string phase) => _multipart.Clean(target, phase)?.MiBPerSecond;
        var completion = _multipart.Clean(Coffer, Complete)?.P50Ms;

        text.AppendLine();
        text.AppendLine("| multipart ratio | value |");
        text.AppendLine("|---|---:|");
        text.AppendLine($"| Coffer multipart PUT / min(baseline multipart PUT, dd) | {Ratio(Rate(Coffer, Put), Min(Rate(Baseline, Put), MultipartDdMiBPerSecond))} |");
        text.AppendLine($"| Coffer parallel ranged GET / baseline parallel ranged GET | {Ratio(Rate(Coffer, RangedGet), Rate(Baseline, RangedGet))} |");
        text.AppendLine($"| Coffer CompleteMultipartUpload ms (target: under 1000) | {(completion is { } ms ? ms.ToString("0.0", CultureInfo.InvariantCulture) : "n/a")} |");
        text.AppendLine($"| Coffer multipart PUT / Ceph multipart PUT | {Ratio(Rate(Coffer, Put), Rate(Ceph, Put))} |");
        text.AppendLine($"| Coffer single PUT / min(baseline single PUT, dd) | {Ratio(Rate(Coffer, SinglePut), Min(Rate(Baseline, SinglePut), MultipartDdMiBPerSecond))} |");
    }

    private static T Read<T>(string path, JsonTypeInfo<T> type)
        where T : class
    {
        T? parsed;
        try
        {
            using var stream = File.OpenRead(path);
            parsed = JsonSerializer.Deserialize(stream, type);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            throw new BenchException($"cannot read {path}: {e.Message}");
        }

        return parsed ?? throw new BenchException($"{path} is empty");
    }

    private string Cell(PhaseTable table, string target, string phaseName, Func<PhaseResult, string> format)
    {
        if (table.Succeeded(target, phaseName) is not { } phase)
        {
            // In the multipart table a phase that ran and failed outright still gets its footnote.
            return table == _multipart && table.Get(target, phaseName) is { } failed ? "failed " + Note(target, failed) : "n/a";
        }

        var cell = format(phase);
        return PhaseTable.IsClean(phase) ? cell : cell + " " + Note(target, phase);
    }

    private string Note(string target, PhaseResult phase)
    {
        var key = target + "/" + phase.Name;
        if (!_noteNumbers.TryGetValue(key, out var number))
        {
            number = _notes.Count + 1;
            _noteNumbers[key] = number;
            _notes.Add($"[{number}] {DisplayName(target)} {phase.Name}: {phase.Errors} failed, {phase.Operations} succeeded; {phase.FirstError}");
        }

        return $"[{number}]";
    }

    private string Rss(string target)
    {
        var large = _rssLargeMiB.TryGetValue(target, out var l) ? l.ToString("0", CultureInfo.InvariantCulture) : "–";
        var whole = _rssMiB.TryGetValue(target, out var w) ? w.ToString("0", CultureInfo.InvariantCulture) : "–";
        return large == "–" && whole == "–" ? "–" : $"{large} / {whole}";
    }

    private static string MiBPerSecond(PhaseResult phase) => phase.MiBPerSecond.ToString("0.0", CultureInfo.InvariantCulture);

    private static string OpsPerSecond(PhaseResult phase) => phase.OpsPerSecond.ToString("0", CultureInfo.InvariantCulture);

    private static string AfterBody(PhaseResult phase) => phase.ResponseAfterBodyMs?.ToString("0", CultureInfo.InvariantCulture) ?? "n/a";

    private static string Latency(PhaseResult phase) =>
        string.Create(CultureInfo.InvariantCulture, $"{phase.P50Ms:0.00} / {phase.P99Ms:0.00}");

    private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static string Ratio(double? numerator, double? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? (n / d).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>The known targets first, in the order run.sh measures them; any others after, as given.</summary>
    private static int Rank(PhaseTable table, string target) => target switch
    {
        Baseline => -3,
        Coffer => -2,
        Ceph => -1,
        _ => table.Targets.ToList().IndexOf(target),
    };

    private static string DisplayName(string target) => target switch
    {
        Baseline => "Kestrel baseline",
        Coffer => "Coffer",
        Ceph => "Ceph RGW",
        _ => target,
    };

    private static IEnumerable<(string Target, string Value)> Pairs(CommandLine commandLine, string option)
    {
        foreach (var pair in commandLine.GetAll(option))
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                throw new UsageException($"--{option} expects NAME=VALUE, not '{pair}'");
            }

            yield return (pair[..eq], pair[(eq + 1)..]);
        }
    }
}
