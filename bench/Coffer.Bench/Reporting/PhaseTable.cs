using Coffer.Bench.Measurement;

namespace Coffer.Bench.Reporting;

/// <summary>
/// The phases each target reported for one table, keeping the best run of each phase, and the
/// targets that reported nothing and why.
/// </summary>
internal sealed class PhaseTable
{
    private readonly List<string> _targets = [];
    private readonly Dictionary<string, Dictionary<string, PhaseResult>> _phases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _missing = new(StringComparer.Ordinal);

    public bool IsEmpty => _targets.Count == 0;

    public IReadOnlyList<string> Targets => _targets;

    /// <summary>
    /// Adds the phases of one run to <paramref name="target"/>. When repeated runs report the same
    /// phase, the best one is kept: on a shared machine the best run is the one least disturbed.
    /// </summary>
    public void Add(string target, IEnumerable<PhaseResult> phases)
    {
        var kept = Target(target);
        foreach (var phase in phases)
        {
            if (!kept.TryGetValue(phase.Name, out var previous) || Better(phase, previous))
            {
                kept[phase.Name] = phase;
            }
        }
    }

    public void AddMissing(string target, string reason)
    {
        Target(target);
        _missing[target] = reason;
    }

    /// <summary>Why a target has no figures at all; null when it has some.</summary>
    public string? MissingReason(string target) =>
        _missing.TryGetValue(target, out var reason) && _phases[target].Count == 0 ? reason : null;

    public PhaseResult? Get(string target, string phaseName) =>
        _phases.TryGetValue(target, out var phases) && phases.TryGetValue(phaseName, out var phase) ? phase : null;

    /// <summary>The phase when at least one of its operations succeeded.</summary>
    public PhaseResult? Succeeded(string target, string phaseName) => Get(target, phaseName) is { Operations: > 0 } phase ? phase : null;

    /// <summary>The phase when it ran to the end without a failure.</summary>
    public PhaseResult? Clean(string target, string phaseName) => Get(target, phaseName) is { Operations: > 0 } phase && IsClean(phase) ? phase : null;

    public static bool IsClean(PhaseResult phase) => phase.Errors == 0 && phase.FirstError is null;

    private static bool Better(PhaseResult candidate, PhaseResult kept)
    {
        var candidateClean = IsClean(candidate);
        var keptClean = IsClean(kept);
        return candidateClean != keptClean ? candidateClean : candidate.OpsPerSecond > kept.OpsPerSecond;
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
}
