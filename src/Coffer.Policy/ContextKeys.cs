namespace Coffer.Policy;

/// <summary>
/// The request context: condition keys (case-insensitive names) and their values, which also
/// supply policy variables such as ${aws:username}. A key that is absent is not the same as a
/// key with no values (the Null operator and ...IfExists tell them apart).
/// </summary>
public sealed class ContextKeys
{
    private readonly Dictionary<string, string[]> _values = new(StringComparer.OrdinalIgnoreCase);

    public void Set(string key, string value) => _values[key] = [value];

    public void Set(string key, string[] values) => _values[key] = values;

    public bool Remove(string key) => _values.Remove(key);

    public bool TryGet(string key, out string[] values) => _values.TryGetValue(key, out values!);

    public IEnumerable<string> Names => _values.Keys;
}
