using System.Globalization;
using System.Text;
using Coffer.Protocol.Http;

namespace Coffer.Protocol.Query;

/// <summary>
/// The parameters of a Query-protocol request (the URL's query and the form body, decoded once),
/// with the flattened-list conventions: Name.member.N, Name.member.N.Field, nested lists.
/// </summary>
public sealed class QueryRequest
{
    private readonly Dictionary<string, string> _parameters;

    private QueryRequest(Dictionary<string, string> parameters) => _parameters = parameters;

    public string? Action => Get("Action");

    public IReadOnlyDictionary<string, string> Parameters => _parameters;

    /// <summary>Parses the URL query and an application/x-www-form-urlencoded body ('+' is a space there); FormatException when malformed.</summary>
    public static QueryRequest Parse(QueryParameters urlQuery, ReadOnlySpan<byte> formBody)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in urlQuery.Items)
        {
            parameters[name] = value;
        }

        var text = Encoding.UTF8.GetString(formBody);
        foreach (var range in text.AsSpan().Split('&'))
        {
            var part = text.AsSpan()[range];
            if (part.IsEmpty)
            {
                continue;
            }

            var eq = part.IndexOf('=');
            var name = FormDecode(eq < 0 ? part : part[..eq]);
            parameters[name] = FormDecode(eq < 0 ? [] : part[(eq + 1)..]);
        }

        return new QueryRequest(parameters);
    }

    private static string FormDecode(ReadOnlySpan<char> value) =>
        QueryParameters.PercentDecode(value.Contains('+') ? value.ToString().Replace('+', ' ') : value);

    public string? Get(string name) => _parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>A required parameter; AWS names the member in camelCase in its validation message.</summary>
    public string Required(string name) =>
        Get(name) ?? throw QueryException.Constraint(char.ToLowerInvariant(name[0]) + name[1..], null, "must not be null");

    public int? Int(string name, int min, int max)
    {
        if (Get(name) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw QueryException.Validation($"Invalid value '{text}' for parameter {name}: not an integer.");
        }

        if (value < min)
        {
            throw QueryException.Constraint(char.ToLowerInvariant(name[0]) + name[1..], text, $"must have value greater than or equal to {min}");
        }

        if (value > max)
        {
            throw QueryException.Constraint(char.ToLowerInvariant(name[0]) + name[1..], text, $"must have value less than or equal to {max}");
        }

        return value;
    }

    public bool? Bool(string name) => Get(name) switch
    {
        null => null,
        var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        var v => throw QueryException.Validation($"Invalid value '{v}' for parameter {name}: expected true or false."),
    };

    /// <summary>The values of Name.member.1, Name.member.2, … in order (a gap ends the list, as AWS reads it).</summary>
    public IReadOnlyList<string> List(string name) => Members(name).Select(prefix => Get(prefix) ?? string.Empty).ToList();

    /// <summary>The prefixes "Name.member.N" that exist, as a member's fields or its value; one scan of the parameters.</summary>
    public IReadOnlyList<string> Members(string name)
    {
        var head = name + ".member.";
        var present = new HashSet<int>();
        foreach (var key in _parameters.Keys)
        {
            if (!key.StartsWith(head, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = key.AsSpan(head.Length);
            var dot = rest.IndexOf('.');
            if (int.TryParse(dot < 0 ? rest : rest[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                present.Add(index);
            }
        }

        var prefixes = new List<string>();
        for (var i = 1; present.Contains(i); i++)
        {
            prefixes.Add(head + i.ToString(CultureInfo.InvariantCulture));
        }

        return prefixes;
    }

    /// <summary>Tags.member.N.Key / .Value pairs.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Tags(string name = "Tags") =>
        Members(name).Select(prefix => new KeyValuePair<string, string>(
            Get(prefix + ".Key") ?? throw QueryException.Constraint("tags.member.key", null, "must not be null"),
            Get(prefix + ".Value") ?? throw QueryException.Constraint("tags.member.value", null, "must not be null"))).ToList();
}
