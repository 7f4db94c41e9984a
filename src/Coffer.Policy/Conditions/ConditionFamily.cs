namespace Coffer.Policy.Conditions;

/// <summary>What a condition operator compares, which decides how its values are parsed and matched.</summary>
internal enum ConditionFamily : byte
{
    String,
    StringIgnoreCase,
    StringLike,
    Numeric,
    Date,
    Bool,
    Binary,
    IpAddress,
    Arn,
    Null,
}
