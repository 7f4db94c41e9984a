namespace Coffer.Policy;

/// <summary>
/// The request context: condition keys (case-insensitive names) and their values, which also
/// supply policy variables such as ${aws:username}. A key that is absent is not the same as a
/// key with no values (the Null operator and ...IfExists tell them apart).
/// </summary>
public sealed class ContextKeys
{
    private readonly Dictionary<string, string[]> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly Func<string, string[]?>? _source;

    public ContextKeys()
    {
    }

    /// <param name="source">
    /// Supplies keys that were not set, on first use: most requests meet policies that never ask
    /// for most keys, so they are not worked out (formatted, allocated) up front.
    /// </param>
    public ContextKeys(Func<string, string[]?> source) => _source = source;

    public void Set(string key, string value) => _values[key] = [value];

    public void Set(string key, string[] values) => _values[key] = values;

    public bool TryGet(string key, out string[] values)
    {
        if (_values.TryGetValue(key, out values!))
        {
            return true;
        }

        if (_source?.Invoke(key) is { } supplied)
        {
            _values[key] = values = supplied;
            return true;
        }

        return false;
    }
}
