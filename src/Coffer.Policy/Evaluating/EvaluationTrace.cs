namespace Coffer.Policy.Evaluating;

/// <summary>What Explain collects on its way; Decide runs without one.</summary>
internal sealed class EvaluationTrace
{
    public List<StatementMatch> Allows { get; } = [];

    public List<StatementMatch> Denies { get; } = [];

    public HashSet<string> MissingKeys { get; } = new(StringComparer.OrdinalIgnoreCase);
}
