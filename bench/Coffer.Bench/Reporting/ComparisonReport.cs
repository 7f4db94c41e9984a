using System.Globalization;
using System.Text;
using System.Text.Json;
using Coffer.Bench.Cli;
using Coffer.Bench.Measurement;

namespace Coffer.Bench.Reporting;

/// <summary>
/// The markdown summary of one <c>run.sh</c> run: a row per target from the <c>s3</c> JSON reports,
/// the dd bound, and the ratios that say how close Coffer comes to the hardware and to its peers.
/// </summary>
internal sealed class ComparisonReport
{
    public const string Baseline = "baseline";
    public const string Coffer = "coffer";
    public const string Ceph = "ceph";

    private readonly List<string> _targets = [];
    private readonly Dictionary<string, Dictionary<string, PhaseResult>> _phases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _missing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _rssLargeMiB = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _rssMiB = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private readonly Dictionary<string, int> _noteNumbers = new(StringComparer.Ordinal);

    public double? DdMiBPerSecond { get; set; }

    /// <summary>
    /// Adds the phases of one JSON report to <paramref name="target"/>. When repeated runs report the
    /// same phase, the best one is kept: on a shared machine the best run is the one least disturbed.
    /// </summary>
    public void AddResult(string target, BenchReport report)
    {
        var phases = Target(target);
        foreach (var phase in report.Phases)
        {
            if (!phases.TryGetValue(phase.Name, out var kept) || Better(phase, kept))
            {
                phases[phase.Name] = phase;
            }
        }
    }

    private static bool Better(PhaseResult candidate, PhaseResult kept)
    {
        var candidateClean = candidate.Errors == 0 && candidate.FirstError is null;
        var keptClean = kept.Errors == 0 && kept.FirstError is null;
        return candidateClean != keptClean ? candidateClean : candidate.OpsPerSecond > kept.OpsPerSecond;
    }

    public void AddMissing(string target, string reason)
    {
        Target(target);
        _missing[target] = reason;
    }

    public void AddPeakRss(string target, long kibibytes, bool largePhase) =>
        (largePhase ? _rssLargeMiB : _rssMiB)[target] = kibibytes / 1024.0;

    public static ComparisonReport FromCommandLine(CommandLine commandLine)
    {
        var report = new ComparisonReport();
        foreach (var (target, path) in Pairs(commandLine, "result"))
        {
            BenchReport? parsed;
            try
            {
                using var stream = File.OpenRead(path);
                parsed = JsonSerializer.Deserialize(stream, BenchJsonContext.Default.BenchReport);
            }
            catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
            {
                throw new BenchException($"cannot read {path}: {e.Message}");
            }

            report.AddResult(target, parsed ?? throw new BenchException($"{path} is empty"));
        }

        foreach (var (target, reason) in Pairs(commandLine, "missing"))
        {
            report.AddMissing(target, reason);
        }

        foreach (var (name, largePhase) in new[] { ("rss-large", true), ("rss", false) })
        {
            foreach (var (target, value) in Pairs(commandLine, name))
            {
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var kibibytes))
                {
                    throw new UsageException($"--{name} {target}={value}: expected kB as /proc/PID/status gives them");
                }

                report.AddPeakRss(target, kibibytes, largePhase);
            }
        }

        var dd = commandLine.GetString("dd-mibs");
        if (!string.IsNullOrEmpty(dd))
        {
            report.DdMiBPerSecond = commandLine.GetDouble("dd-mibs", 0);
        }

        return report;
    }

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("| target | large PUT MiB/s | large GET MiB/s | large PUT answer after last byte ms | small PUT ops/s | small GET ops/s | small DELETE ops/s | small PUT p50 / p99 ms | small GET p50 / p99 ms | peak RSS MiB (large phase / whole run) |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        if (DdMiBPerSecond is { } dd)
        {
            text.AppendLine($"| dd write, conv=fsync | {dd:0.0} | – | – | – | – | – | – | – | – |");
        }

        foreach (var target in _targets.OrderBy(Rank))
        {
            if (_missing.TryGetValue(target, out var reason) && _phases[target].Count == 0)
            {
                text.AppendLine($"| {DisplayName(target)} | {reason} | | | | | | | | |");
                continue;
            }

            text.Append($"| {DisplayName(target)} | ")
                .Append(Cell(target, "large-put", p => p.MiBPerSecond.ToString("0.0", CultureInfo.InvariantCulture))).Append(" | ")
                .Append(Cell(target, "large-get", p => p.MiBPerSecond.ToString("0.0", CultureInfo.InvariantCulture))).Append(" | ")
                .Append(Cell(target, "large-put", p => p.ResponseAfterBodyMs?.ToString("0", CultureInfo.InvariantCulture) ?? "n/a")).Append(" | ")
                .Append(Cell(target, "small-put", p => p.OpsPerSecond.ToString("0", CultureInfo.InvariantCulture))).Append(" | ")
                .Append(Cell(target, "small-get", p => p.OpsPerSecond.ToString("0", CultureInfo.InvariantCulture))).Append(" | ")
                .Append(Cell(target, "small-delete", p => p.OpsPerSecond.ToString("0", CultureInfo.InvariantCulture))).Append(" | ")
                .Append(Cell(target, "small-put", Latency)).Append(" | ")
                .Append(Cell(target, "small-get", Latency)).Append(" | ")
                .Append(Rss(target)).AppendLine(" |");
        }

        text.AppendLine();
        text.AppendLine("| ratio | value |");
        text.AppendLine("|---|---:|");
        var bound = Min(MiBPerSecond(Baseline, "large-put"), DdMiBPerSecond);
        text.AppendLine($"| Coffer large GET / baseline large GET | {Ratio(MiBPerSecond(Coffer, "large-get"), MiBPerSecond(Baseline, "large-get"))} |");
        text.AppendLine($"| Coffer large PUT / min(baseline large PUT, dd) | {Ratio(MiBPerSecond(Coffer, "large-put"), bound)} |");
        text.AppendLine($"| Coffer small PUT ops/s / Ceph | {Ratio(OpsPerSecond(Coffer, "small-put"), OpsPerSecond(Ceph, "small-put"))} |");
        text.AppendLine($"| Coffer small GET ops/s / Ceph | {Ratio(OpsPerSecond(Coffer, "small-get"), OpsPerSecond(Ceph, "small-get"))} |");
        text.AppendLine($"| Coffer peak RSS MiB (VmHWM) | {(_rssMiB.TryGetValue(Coffer, out var rss) ? rss.ToString("0", CultureInfo.InvariantCulture) : "n/a")} |");

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

    private Dictionary<string, PhaseResult> Target(string target)
    {
        if (!_phases.TryGetValue(target, out var phases))
        {
            phases = new(StringComparer.Ordinal);
            _phases[target] = phases;
            _targets.Add(target);
        }

        return phases;
    }

    private string Cell(string target, string phaseName, Func<PhaseResult, string> format)
    {
        if (!_phases[target].TryGetValue(phaseName, out var phase) || phase.Operations == 0)
        {
            return "n/a";
        }

        var cell = format(phase);
        if (phase.Errors > 0 || phase.FirstError is not null)
        {
            var key = target + "/" + phaseName;
            if (!_noteNumbers.TryGetValue(key, out var number))
            {
                number = _notes.Count + 1;
                _noteNumbers[key] = number;
                _notes.Add($"[{number}] {DisplayName(target)} {phaseName}: {phase.Errors} failed, {phase.Operations} succeeded; {phase.FirstError}");
            }

            cell += $" [{number}]";
        }

        return cell;
    }

    private string Rss(string target)
    {
        var large = _rssLargeMiB.TryGetValue(target, out var l) ? l.ToString("0", CultureInfo.InvariantCulture) : "–";
        var whole = _rssMiB.TryGetValue(target, out var w) ? w.ToString("0", CultureInfo.InvariantCulture) : "–";
        return large == "–" && whole == "–" ? "–" : $"{large} / {whole}";
    }

    private static string Latency(PhaseResult phase) =>
        string.Create(CultureInfo.InvariantCulture, $"{phase.P50Ms:0.00} / {phase.P99Ms:0.00}");

    private double? MiBPerSecond(string target, string phase) => Succeeded(target, phase)?.MiBPerSecond;

    private double? OpsPerSecond(string target, string phase) => Succeeded(target, phase)?.OpsPerSecond;

    private PhaseResult? Succeeded(string target, string phaseName) =>
        _phases.TryGetValue(target, out var phases) && phases.TryGetValue(phaseName, out var phase) && phase.Operations > 0 ? phase : null;

    private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static string Ratio(double? numerator, double? denominator) =>
        numerator is { } n && denominator is { } d && d > 0 ? (n / d).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>The known targets first, in the order run.sh measures them; any others after, as given.</summary>
    private int Rank(string target) => target switch
    {
        Baseline => -3,
        Coffer => -2,
        Ceph => -1,
        _ => _targets.IndexOf(target),
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
