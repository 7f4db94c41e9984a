namespace Coffer.Policy.Conditions;

/// <summary>Request value compared with policy value, for numeric and date operators.</summary>
internal enum Comparison : byte
{
    Equal,
    LessThan,
    LessThanOrEqual,
    GreaterThan,
    GreaterThanOrEqual,
}
