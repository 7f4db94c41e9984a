using System.Collections.Concurrent;

namespace Coffer.Policy;

/// <summary>Compiled documents by text, so each policy version is parsed once.</summary>
public static class PolicyCache
{
    /// <summary>Past this many documents the cache starts over, so hostile input cannot grow it without bound.</summary>
    public const int MaxEntries = 10_000;

    private static readonly ConcurrentDictionary<(PolicyKind Kind, string Json), PolicyDocument> Documents = new();

    /// <summary>Parse errors are thrown every time, never cached.</summary>
    public static PolicyDocument Get(string json, PolicyKind kind)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (Documents.TryGetValue((kind, json), out var cached))
        {
            return cached;
        }

        var document = PolicyDocument.Parse(json, kind);
        if (Documents.Count >= MaxEntries)
        {
            Documents.Clear();
        }

        return Documents.GetOrAdd((kind, json), document);
    }
}
