using System.Globalization;
using Coffer.Policy.Matching;

namespace Coffer.Policy.Conditions;

/// <summary>
/// One operator applied to one key with its values (ORed). Values are parsed once here, so
/// evaluation only parses the request's values.
/// </summary>
internal sealed class ConditionClause
{
    private readonly Pattern[] _patterns = [];
    private readonly ArnPattern[] _arns = [];
    private readonly double[] _numbers = [];
    private readonly long[] _dates = [];
    private readonly bool[] _flags = [];
    private readonly byte[][] _binaries = [];
    private readonly IpRange[] _ranges = [];

    /// <summary>Throws <see cref="FormatException"/> naming the value that does not fit the operator.</summary>
    public ConditionClause(ConditionOperator op, string key, string[] values, bool variables)
    {
        Operator = op;
        Key = key;
        Values = values;
        variables &= op.SupportsVariables;
        switch (op.Family)
        {
            case ConditionFamily.String:
            case ConditionFamily.StringIgnoreCase:
            case ConditionFamily.StringLike:
                _patterns = Array.ConvertAll(values, v => Pattern.Compile(
                    v, wildcards: op.Family == ConditionFamily.StringLike, variables, ignoreCase: op.Family == ConditionFamily.StringIgnoreCase));
                break;
            case ConditionFamily.Arn:
                _arns = Array.ConvertAll(values, v => ArnPattern.Compile(v, variables));
                break;
            case ConditionFamily.Numeric:
                _numbers = Array.ConvertAll(values, v => TryParseNumber(v, out var n) ? n : throw new FormatException($"'{v}' is not a number"));
                break;
            case ConditionFamily.Date:
                _dates = Array.ConvertAll(values, v => TryParseDate(v, out var d) ? d : throw new FormatException($"'{v}' is not an ISO 8601 date or epoch seconds"));
                break;
            case ConditionFamily.Bool:
            case ConditionFamily.Null:
                _flags = Array.ConvertAll(values, v => TryParseBool(v, out var b) ? b : throw new FormatException($"'{v}' is not true or false"));
                break;
            case ConditionFamily.Binary:
                _binaries = Array.ConvertAll(values, v => TryDecodeBase64(v, out var bytes) ? bytes : throw new FormatException($"'{v}' is not base64"));
                break;
            case ConditionFamily.IpAddress:
                _ranges = Array.ConvertAll(values, v => IpRange.TryParse(v, out var range) ? range : throw new FormatException($"'{v}' is not an IP address or CIDR block"));
                break;
        }
    }

    public ConditionOperator Operator { get; }

    public string Key { get; }

    /// <summary>The values as written.</summary>
    public string[] Values { get; }

    public IEnumerable<string> VariableKeys
    {
        get
        {
            foreach (var pattern in _patterns)
            {
                foreach (var key in pattern.VariableKeys)
                {
                    yield return key;
                }
            }

            foreach (var arn in _arns)
            {
                foreach (var key in arn.VariableKeys)
                {
                    yield return key;
                }
            }
        }
    }

    /// <summary>
    /// Whether the clause only lets through requests whose key equals one of its values, none
    /// of which is a wildcard (or, for IP ranges, the whole address space).
    /// </summary>
    public bool PinsToFixedValues
    {
        get
        {
            var op = Operator;
            if (op.Negated || op.IfExists || op.Qualifier != SetQualifier.None)
            {
                return false;
            }

            switch (op.Family)
            {
                case ConditionFamily.String:
                case ConditionFamily.StringIgnoreCase:
                case ConditionFamily.StringLike:
                case ConditionFamily.Arn:
                    foreach (var value in Values)
                    {
                        if (value.AsSpan().ContainsAny('*', '?'))
                        {
                            return false;
                        }
                    }

                    return true;
                case ConditionFamily.IpAddress:
                    foreach (var range in _ranges)
                    {
                        if (range.PrefixLength == 0)
                        {
                            return false;
                        }
                    }

                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// AWS's rules: an absent key fails a positive operator and passes a negated one, passes
    /// ...IfExists and ForAllValues, fails ForAnyValue; a negated operator is true when no pair
    /// of request and policy values matches.
    /// </summary>
    public bool IsSatisfied(ContextKeys keys, ISet<string>? missingKeys)
    {
        var op = Operator;
        var present = keys.TryGet(Key, out var requestValues);
        if (op.Family == ConditionFamily.Null)
        {
            foreach (var expectAbsent in _flags)
            {
                if (expectAbsent != present)
                {
                    return true;
                }
            }

            return false;
        }

        if (!present)
        {
            missingKeys?.Add(Key);
            return op.IfExists || op.Qualifier switch
            {
                SetQualifier.ForAllValues => true,
                SetQualifier.ForAnyValue => false,
                _ => op.Negated,
            };
        }

        switch (op.Qualifier)
        {
            case SetQualifier.ForAllValues:
                foreach (var value in requestValues)
                {
                    if (MatchesAny(value, keys, missingKeys) == op.Negated)
                    {
                        return false;
                    }
                }

                return true;
            case SetQualifier.ForAnyValue:
                foreach (var value in requestValues)
                {
                    if (MatchesAny(value, keys, missingKeys) != op.Negated)
                    {
                        return true;
                    }
                }

                return false;
            default:
                foreach (var value in requestValues)
                {
                    if (MatchesAny(value, keys, missingKeys))
                    {
                        return !op.Negated;
                    }
                }

                return op.Negated;
        }
    }

    /// <summary>Whether one request value matches any of the policy's values (before negation).</summary>
    private bool MatchesAny(string value, ContextKeys keys, ISet<string>? missingKeys)
    {
        switch (Operator.Family)
        {
            case ConditionFamily.String:
            case ConditionFamily.StringIgnoreCase:
            case ConditionFamily.StringLike:
                foreach (var pattern in _patterns)
                {
                    if (pattern.IsMatch(value, keys, missingKeys))
                    {
                        return true;
                    }
                }

                return false;
            case ConditionFamily.Arn:
                foreach (var arn in _arns)
                {
                    if (arn.IsMatch(value, keys, missingKeys))
                    {
                        return true;
                    }
                }

                return false;
            case ConditionFamily.Numeric:
                if (!TryParseNumber(value, out var number))
                {
                    return false;
                }

                foreach (var policyNumber in _numbers)
                {
                    if (Compare(number.CompareTo(policyNumber)))
                    {
                        return true;
                    }
                }

                return false;
            case ConditionFamily.Date:
                if (!TryParseDate(value, out var date))
                {
                    return false;
                }

                foreach (var policyDate in _dates)
                {
                    if (Compare(date.CompareTo(policyDate)))
                    {
                        return true;
                    }
                }

                return false;
            case ConditionFamily.Bool:
                if (!TryParseBool(value, out var flag))
                {
                    return false;
                }

                return Array.IndexOf(_flags, flag) >= 0;
            case ConditionFamily.Binary:
                return MatchesBinary(value);
            case ConditionFamily.IpAddress:
                if (!IpRange.TryParseAddress(value, out var isV4, out var address))
                {
                    return false;
                }

                foreach (var range in _ranges)
                {
                    if (range.Contains(isV4, address))
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private bool MatchesBinary(string value)
    {
        Span<byte> buffer = value.Length <= 1024 ? stackalloc byte[value.Length] : new byte[value.Length];
        if (!Convert.TryFromBase64String(value, buffer, out var written))
        {
            return false;
        }

        foreach (var bytes in _binaries)
        {
            if (buffer[..written].SequenceEqual(bytes))
            {
                return true;
            }
        }

        return false;
    }

    private bool Compare(int order) => Operator.Comparison switch
    {
        Comparison.Equal => order == 0,
        Comparison.LessThan => order < 0,
        Comparison.LessThanOrEqual => order <= 0,
        Comparison.GreaterThan => order > 0,
        _ => order >= 0,
    };

    private static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool TryParseBool(string text, out bool value)
    {
        value = text.Equals("true", StringComparison.OrdinalIgnoreCase);
        return value || text.Equals("false", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>ISO 8601 (UTC unless an offset is given) or epoch seconds, as UTC ticks.</summary>
    private static bool TryParseDate(string text, out long utcTicks)
    {
        utcTicks = 0;
        if (text.Length > 0 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds < -62_135_596_800 || seconds > 253_402_300_799)
            {
                return false;
            }

            utcTicks = DateTimeOffset.FromUnixTimeSeconds(seconds).UtcTicks;
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            utcTicks = date.UtcTicks;
            return true;
        }

        return false;
    }

    private static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            bytes = buffer[..written];
            return true;
        }

        bytes = [];
        return false;
    }
}
