namespace Coffer.Policy.Matching;

/// <summary>A Resource or NotResource element; ARNs compare case-sensitively, part by part.</summary>
internal sealed class ResourceSet(ArnPattern[] patterns, bool negated)
{
    public bool Negated { get; } = negated;

    public ArnPattern[] Patterns { get; } = patterns;

    public bool Matches(string resource, ContextKeys keys, ISet<string>? missingKeys)
    {
        foreach (var pattern in Patterns)
        {
            if (pattern.IsMatch(resource, keys, missingKeys))
            {
                return !Negated;
            }
        }

        return Negated;
    }
}
