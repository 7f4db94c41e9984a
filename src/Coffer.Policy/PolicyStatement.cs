using Coffer.Policy.Conditions;
using Coffer.Policy.Matching;

namespace Coffer.Policy;

public enum Effect
{
    Allow,
    Deny,
}

/// <summary>Line and column (1-based) in the policy text, as IAM's simulator reports statement positions.</summary>
public readonly record struct PolicyPosition(int Line, int Column);

/// <summary>One compiled statement.</summary>
public sealed class PolicyStatement
{
    public string? Sid { get; init; }

    public Effect Effect { get; init; }

    public PolicyPosition Start { get; init; }

    public PolicyPosition End { get; init; }

    /// <summary>Zero-based position in the document's Statement list.</summary>
    public int Index { get; init; }

    internal ActionSet Actions { get; init; } = null!;

    /// <summary>Null in a trust policy, which has no Resource element: the role is the resource.</summary>
    internal ResourceSet? Resources { get; init; }

    /// <summary>Null in identity and session policies.</summary>
    internal PrincipalSet? Principals { get; init; }

    internal bool PrincipalIsNegated { get; init; }

    internal ConditionClause[] Conditions { get; init; } = [];
}
