namespace Coffer.Policy.Conditions;

/// <summary>A condition operator name taken apart: qualifier, base operator and IfExists.</summary>
internal sealed record ConditionOperator(
    string Name,
    ConditionFamily Family,
    Comparison Comparison,
    bool Negated,
    bool IfExists,
    SetQualifier Qualifier)
{
    private static readonly Dictionary<string, (ConditionFamily Family, Comparison Comparison, bool Negated)> BaseOperators =
        new(StringComparer.Ordinal)
        {
            ["StringEquals"] = (ConditionFamily.String, Comparison.Equal, false),
            ["StringNotEquals"] = (ConditionFamily.String, Comparison.Equal, true),
            ["StringEqualsIgnoreCase"] = (ConditionFamily.StringIgnoreCase, Comparison.Equal, false),
            ["StringNotEqualsIgnoreCase"] = (ConditionFamily.StringIgnoreCase, Comparison.Equal, true),
            ["StringLike"] = (ConditionFamily.StringLike, Comparison.Equal, false),
            ["StringNotLike"] = (ConditionFamily.StringLike, Comparison.Equal, true),
            ["NumericEquals"] = (ConditionFamily.Numeric, Comparison.Equal, false),
            ["NumericNotEquals"] = (ConditionFamily.Numeric, Comparison.Equal, true),
            ["NumericLessThan"] = (ConditionFamily.Numeric, Comparison.LessThan, false),
            ["NumericLessThanEquals"] = (ConditionFamily.Numeric, Comparison.LessThanOrEqual, false),
            ["NumericGreaterThan"] = (ConditionFamily.Numeric, Comparison.GreaterThan, false),
            ["NumericGreaterThanEquals"] = (ConditionFamily.Numeric, Comparison.GreaterThanOrEqual, false),
            ["DateEquals"] = (ConditionFamily.Date, Comparison.Equal, false),
            ["DateNotEquals"] = (ConditionFamily.Date, Comparison.Equal, true),
            ["DateLessThan"] = (ConditionFamily.Date, Comparison.LessThan, false),
            ["DateLessThanEquals"] = (ConditionFamily.Date, Comparison.LessThanOrEqual, false),
            ["DateGreaterThan"] = (ConditionFamily.Date, Comparison.GreaterThan, false),
            ["DateGreaterThanEquals"] = (ConditionFamily.Date, Comparison.GreaterThanOrEqual, false),
            ["Bool"] = (ConditionFamily.Bool, Comparison.Equal, false),
            ["BinaryEquals"] = (ConditionFamily.Binary, Comparison.Equal, false),
            ["IpAddress"] = (ConditionFamily.IpAddress, Comparison.Equal, false),
            ["NotIpAddress"] = (ConditionFamily.IpAddress, Comparison.Equal, true),
            ["ArnEquals"] = (ConditionFamily.Arn, Comparison.Equal, false),
            ["ArnLike"] = (ConditionFamily.Arn, Comparison.Equal, false),
            ["ArnNotEquals"] = (ConditionFamily.Arn, Comparison.Equal, true),
            ["ArnNotLike"] = (ConditionFamily.Arn, Comparison.Equal, true),
            ["Null"] = (ConditionFamily.Null, Comparison.Equal, false),
        };

    public static bool TryParse(string name, out ConditionOperator? result)
    {
        result = null;
        var rest = name.AsSpan();
        var qualifier = SetQualifier.None;
        if (rest.StartsWith("ForAllValues:"))
        {
            qualifier = SetQualifier.ForAllValues;
            rest = rest["ForAllValues:".Length..];
        }
        else if (rest.StartsWith("ForAnyValue:"))
        {
            qualifier = SetQualifier.ForAnyValue;
            rest = rest["ForAnyValue:".Length..];
        }

        var ifExists = rest.EndsWith("IfExists") && rest.Length > "IfExists".Length;
        if (ifExists)
        {
            rest = rest[..^"IfExists".Length];
        }

        var lookup = BaseOperators.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(rest, out var op))
        {
            return false;
        }

        // Null tests presence itself; IfExists and set qualifiers make no sense on it.
        if (op.Family == ConditionFamily.Null && (ifExists || qualifier != SetQualifier.None))
        {
            return false;
        }

        result = new ConditionOperator(name, op.Family, op.Comparison, op.Negated, ifExists, qualifier);
        return true;
    }

    /// <summary>Operators that accept policy variables in their values (AWS: string and ARN operators).</summary>
    public bool SupportsVariables => Family is ConditionFamily.String or ConditionFamily.StringIgnoreCase
        or ConditionFamily.StringLike or ConditionFamily.Arn;
}
