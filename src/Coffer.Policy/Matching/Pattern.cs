using System.Text;

namespace Coffer.Policy.Matching;

/// <summary>
/// A compiled glob: literal text, '*' and '?' wildcards and policy variables. Matching walks
/// the tokens with single-star backtracking, so it is linear in practice and never allocates
/// for patterns with up to <see cref="MaxStackVariables"/> variables.
/// </summary>
internal sealed class Pattern
{
    public const int MaxStackVariables = 8;

    private readonly PatternToken[] _tokens;
    private readonly bool _ignoreCase;
    private readonly int _variableCount;
    private readonly bool _matchesEverything;
    private readonly string? _literal;

    private Pattern(string source, PatternToken[] tokens, bool ignoreCase)
    {
        Source = source;
        _tokens = tokens;
        _ignoreCase = ignoreCase;
        foreach (var token in tokens)
        {
            if (token.Kind == PatternTokenKind.Variable)
            {
                _variableCount++;
            }
        }

        _matchesEverything = tokens.Length == 1 && tokens[0].Kind == PatternTokenKind.AnyRun;
        if (tokens.Length == 0)
        {
            _literal = string.Empty;
        }
        else if (tokens.Length == 1 && tokens[0].Kind == PatternTokenKind.Literal)
        {
            _literal = tokens[0].Text;
        }
    }

    /// <summary>The text as written in the policy.</summary>
    public string Source { get; }

    public bool MatchesEverything => _matchesEverything;

    public bool HasWildcards
    {
        get
        {
            foreach (var token in _tokens)
            {
                if (token.Kind is PatternTokenKind.AnyRun or PatternTokenKind.AnyChar)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public IEnumerable<string> VariableKeys
    {
        get
        {
            foreach (var token in _tokens)
            {
                if (token.Kind == PatternTokenKind.Variable)
                {
                    yield return token.Text;
                }
            }
        }
    }

    /// <summary>Compiles <paramref name="text"/>; throws <see cref="FormatException"/> for a malformed variable.</summary>
    public static Pattern Compile(string text, bool wildcards, bool variables, bool ignoreCase) =>
        new(text, [.. Tokenize(text, wildcards, variables)], ignoreCase);

    /// <summary>A pattern over part of another pattern's tokens (one ARN segment).</summary>
    public static Pattern FromTokens(string source, PatternToken[] tokens, bool ignoreCase)
    {
        var slot = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].Kind == PatternTokenKind.Variable)
            {
                tokens[i] = tokens[i] with { Slot = slot++ };
            }
        }

        return new Pattern(source, tokens, ignoreCase);
    }

    public static List<PatternToken> Tokenize(string text, bool wildcards, bool variables)
    {
        var tokens = new List<PatternToken>();
        var literal = new StringBuilder();
        var slot = 0;

        void Flush()
        {
            if (literal.Length > 0)
            {
                tokens.Add(new PatternToken(PatternTokenKind.Literal, literal.ToString()));
                literal.Clear();
            }
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (variables && c == '$' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw new FormatException($"policy variable in '{text}' has no closing brace");
                }

                var inner = text.AsSpan(i + 2, close - i - 2);
                i = close;
                if (inner is "*" or "?" or "$")
                {
                    // ${*}, ${?} and ${$} stand for the character itself, never a wildcard.
                    literal.Append(inner[0]);
                    continue;
                }

                var (key, defaultValue) = ParseVariable(inner, text);
                Flush();
                tokens.Add(new PatternToken(PatternTokenKind.Variable, key, defaultValue, slot++));
            }
            else if (wildcards && c == '*')
            {
                Flush();
                if (tokens.Count == 0 || tokens[^1].Kind != PatternTokenKind.AnyRun)
                {
                    tokens.Add(new PatternToken(PatternTokenKind.AnyRun, "*"));
                }
            }
            else if (wildcards && c == '?')
            {
                Flush();
                tokens.Add(new PatternToken(PatternTokenKind.AnyChar, "?"));
            }
            else
            {
                literal.Append(c);
            }
        }

        Flush();
        return tokens;
    }

    private static (string Key, string? Default) ParseVariable(ReadOnlySpan<char> inner, string text)
    {
        var comma = inner.IndexOf(',');
        var key = (comma < 0 ? inner : inner[..comma]).Trim();
        if (key.IsEmpty || key.ContainsAny(" '${"))
        {
            throw new FormatException($"policy variable '${{{inner}}}' in '{text}' has no valid key");
        }

        if (comma < 0)
        {
            return (key.ToString(), null);
        }

        var defaultValue = inner[(comma + 1)..].Trim();
        if (defaultValue.Length < 2 || defaultValue[0] != '\'' || defaultValue[^1] != '\'')
        {
            throw new FormatException($"policy variable '${{{inner}}}' in '{text}' needs its default in single quotes");
        }

        return (key.ToString(), defaultValue[1..^1].ToString());
    }

    public bool IsMatch(ReadOnlySpan<char> input, ContextKeys keys, ISet<string>? missingKeys)
    {
        if (_matchesEverything)
        {
            return true;
        }

        if (_literal is not null)
        {
            return _ignoreCase ? input.Equals(_literal, StringComparison.OrdinalIgnoreCase) : input.SequenceEqual(_literal);
        }

        if (_variableCount == 0)
        {
            return Match(input, default);
        }

        if (_variableCount <= MaxStackVariables)
        {
            var buffer = default(ResolvedVariables);
            Span<string?> values = buffer;
            return Resolve(values, keys, missingKeys) && Match(input, values);
        }

        var heap = new string?[_variableCount];
        return Resolve(heap, keys, missingKeys) && Match(input, heap);
    }

    /// <summary>A variable whose key is absent (and has no default) makes the pattern match nothing, as in AWS.</summary>
    private bool Resolve(Span<string?> values, ContextKeys keys, ISet<string>? missingKeys)
    {
        var resolved = true;
        foreach (var token in _tokens)
        {
            if (token.Kind != PatternTokenKind.Variable)
            {
                continue;
            }

            if (keys.TryGet(token.Text, out var contextValues) && contextValues.Length == 1)
            {
                values[token.Slot] = contextValues[0];
            }
            else if (token.DefaultValue is not null)
            {
                values[token.Slot] = token.DefaultValue;
            }
            else
            {
                missingKeys?.Add(token.Text);
                resolved = false;
            }
        }

        return resolved;
    }

    private bool Match(ReadOnlySpan<char> input, ReadOnlySpan<string?> values)
    {
        var tokens = _tokens;
        int ti = 0, offset = 0, si = 0, starToken = -1, starInput = 0;
        while (si < input.Length)
        {
            if (ti < tokens.Length)
            {
                var token = tokens[ti];
                if (token.Kind == PatternTokenKind.AnyRun)
                {
                    // A trailing '*' takes whatever is left, e.g. the key after "bucket/".
                    if (ti == tokens.Length - 1)
                    {
                        return true;
                    }

                    starToken = ti++;
                    starInput = si;
                    offset = 0;
                    continue;
                }

                if (token.Kind == PatternTokenKind.AnyChar)
                {
                    ti++;
                    si++;
                    continue;
                }

                var text = token.Kind == PatternTokenKind.Literal ? token.Text : values[token.Slot]!;
                if (offset == text.Length)
                {
                    ti++;
                    offset = 0;
                    continue;
                }

                if (CharsEqual(text[offset], input[si]))
                {
                    offset++;
                    si++;
                    continue;
                }
            }

            if (starToken < 0)
            {
                return false;
            }

            // Let the last '*' swallow one more character and retry from just after it.
            ti = starToken + 1;
            offset = 0;
            si = ++starInput;
        }

        for (; ti < tokens.Length; ti++, offset = 0)
        {
            var token = tokens[ti];
            if (token.Kind == PatternTokenKind.AnyRun)
            {
                continue;
            }

            if (token.Kind == PatternTokenKind.AnyChar)
            {
                return false;
            }

            var text = token.Kind == PatternTokenKind.Literal ? token.Text : values[token.Slot]!;
            if (offset != text.Length)
            {
                return false;
            }
        }

        return true;
    }

    private bool CharsEqual(char a, char b) =>
        a == b || (_ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));

    public override string ToString() => Source;
}
