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
}
