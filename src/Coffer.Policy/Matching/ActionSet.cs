namespace Coffer.Policy.Matching;

/// <summary>An Action or NotAction element; action names compare case-insensitively.</summary>
internal sealed class ActionSet(Pattern[] patterns, bool negated)
{
    private static readonly ContextKeys NoKeys = new();

    public bool Negated { get; } = negated;

    public Pattern[] Patterns { get; } = patterns;

    public bool Matches(string action)
    {
        foreach (var pattern in Patterns)
        {
            if (pattern.IsMatch(action, NoKeys, null))
            {
                return !Negated;
            }
        }

        return Negated;
    }
}
