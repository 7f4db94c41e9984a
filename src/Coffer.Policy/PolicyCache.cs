namespace Coffer.Policy;

/// <summary>Compiled documents by text, so each policy version is parsed once.</summary>
public static class PolicyCache
{
    public static PolicyDocument Get(string json, PolicyKind kind) =>
        throw new NotImplementedException();
}
