namespace Coffer.Policy.Conditions;

/// <summary>The ForAllValues: / ForAnyValue: prefix for multivalued keys.</summary>
internal enum SetQualifier : byte
{
    None,
    ForAllValues,
    ForAnyValue,
}
