using System.Runtime.CompilerServices;

namespace Coffer.Policy.Matching;

/// <summary>Stack room for the values of a pattern's variables, so matching does not allocate.</summary>
[InlineArray(Pattern.MaxStackVariables)]
internal struct ResolvedVariables
{
    private string? _element;
}
