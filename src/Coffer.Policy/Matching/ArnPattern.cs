namespace Coffer.Policy.Matching;

/// <summary>
/// An ARN pattern: each of the six colon-separated parts is matched on its own, so a wildcard
/// never crosses a colon, except in the last part (the resource), which may itself contain colons.
/// </summary>
internal sealed class ArnPattern
{
    private const int Segments = 6;

    private readonly Pattern _whole;
    private readonly Pattern[]? _segments;

    private ArnPattern(Pattern whole, Pattern[]? segments)
    {
        _whole = whole;
        _segments = segments;
    }

    public string Source => _whole.Source;

    public bool MatchesEverything => _whole.MatchesEverything;

    public bool HasWildcards => _whole.HasWildcards;

    public IEnumerable<string> VariableKeys => _whole.VariableKeys;

    public static ArnPattern Compile(string text, bool variables)
    {
        var whole = Pattern.Compile(text, wildcards: true, variables, ignoreCase: false);
        if (whole.MatchesEverything)
        {
            return new ArnPattern(whole, null);
        }

        var parts = new List<PatternToken>[Segments];
        for (var i = 0; i < Segments; i++)
        {
            parts[i] = [];
        }

        var segment = 0;
        foreach (var token in Pattern.Tokenize(text, wildcards: true, variables))
        {
            if (token.Kind != PatternTokenKind.Literal)
            {
                parts[segment].Add(token);
                continue;
            }

            var rest = token.Text.AsSpan();
            int colon;
            while (segment < Segments - 1 && (colon = rest.IndexOf(':')) >= 0)
            {
                if (colon > 0)
                {
                    parts[segment].Add(token with { Text = rest[..colon].ToString() });
                }

                segment++;
                rest = rest[(colon + 1)..];
            }

            if (!rest.IsEmpty)
            {
                parts[segment].Add(token with { Text = rest.ToString() });
            }
        }

        if (segment < Segments - 1)
        {
            // Not a full ARN (e.g. "arn:*"): match the text as one glob.
            return new ArnPattern(whole, null);
        }

        var segments = new Pattern[Segments];
        for (var i = 0; i < Segments; i++)
        {
            segments[i] = Pattern.FromTokens(text, [.. parts[i]], ignoreCase: false);
        }

        return new ArnPattern(whole, segments);
    }

    public bool IsMatch(string input, ContextKeys keys, ISet<string>? missingKeys)
    {
        if (_segments is null)
        {
            return _whole.IsMatch(input, keys, missingKeys);
        }

        var rest = input.AsSpan();
        for (var i = 0; i < Segments - 1; i++)
        {
            var colon = rest.IndexOf(':');
            if (colon < 0 || !_segments[i].IsMatch(rest[..colon], keys, missingKeys))
            {
                return false;
            }

            rest = rest[(colon + 1)..];
        }

        return _segments[Segments - 1].IsMatch(rest, keys, missingKeys);
    }

    public override string ToString() => Source;
}
