namespace Coffer.Policy;

/// <summary>A statement that applied to the request, and the policy it belongs to.</summary>
public sealed record StatementMatch(PolicySource Source, PolicyStatement Statement);

/// <summary>The outcome of evaluation, with the statements that decided it (for the policy simulator).</summary>
public sealed class Evaluation
{
    public required Decision Decision { get; init; }

    public IReadOnlyList<StatementMatch> MatchedStatements { get; init; } = [];

    /// <summary>Condition keys the policies used that the request context did not have.</summary>
    public IReadOnlyList<string> MissingContextKeys { get; init; } = [];
}
