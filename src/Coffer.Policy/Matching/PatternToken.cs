namespace Coffer.Policy.Matching;

internal enum PatternTokenKind : byte
{
    Literal,

    /// <summary>'*': any run of characters, including none.</summary>
    AnyRun,

    /// <summary>'?': exactly one character.</summary>
    AnyChar,

    /// <summary>A policy variable, ${key} or ${key, 'default'}, resolved from the request context.</summary>
    Variable,
}

/// <param name="Text">The literal text, or the variable's context key.</param>
/// <param name="DefaultValue">For a variable, the value used when the key is absent.</param>
/// <param name="Slot">For a variable, its index among the pattern's variables.</param>
internal readonly record struct PatternToken(PatternTokenKind Kind, string Text, string? DefaultValue = null, int Slot = 0);
