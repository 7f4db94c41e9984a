using System.Globalization;

namespace Coffer.Bench.Cli;

/// <summary><c>--name value</c> options after a sub-command; every name must be one the command declared.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CommandLine()
    {
    }

    /// <param name="valueOptions">Names (without <c>--</c>) that take a value; may repeat.</param>
    /// <param name="flagOptions">Names that take no value.</param>
    public static CommandLine Parse(ReadOnlySpan<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string>? flagOptions = null)
    {
        var result = new CommandLine();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }

            var name = arg[2..];
            string? inlineValue = null;
            var eq = name.IndexOf('=');
            if (eq >= 0)
            {
                inlineValue = name[(eq + 1)..];
                name = name[..eq];
            }

            if (flagOptions?.Contains(name) == true && inlineValue is null)
            {
                result._flags.Add(name);
                continue;
            }

            if (!valueOptions.Contains(name))
            {
                throw new UsageException($"unknown option '--{name}'");
            }

            var value = inlineValue ?? (i + 1 < args.Length ? args[++i] : throw new UsageException($"option '--{name}' needs a value"));
            if (!result._values.TryGetValue(name, out var list))
            {
                list = [];
                result._values[name] = list;
            }

            list.Add(value);
        }

        return result;
    }

    public bool HasFlag(string name) => _flags.Contains(name);

    public string? GetString(string name) => _values.TryGetValue(name, out var list) ? list[^1] : null;

    public string GetString(string name, string defaultValue) => GetString(name) ?? defaultValue;

    public string Require(string name) => GetString(name) ?? throw new UsageException($"option '--{name}' is required");

    public IReadOnlyList<string> GetAll(string name) => _values.TryGetValue(name, out var list) ? list : [];

    public long GetSize(string name, long defaultValue)
    {
        var text = GetString(name);
        return text is null ? defaultValue : ByteSize.Parse(text, "--" + name);
    }

    public int GetInt(string name, int defaultValue, int min, int max)
    {
        var text = GetString(name);
        if (text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"option '--{name}' must be a whole number from {min} to {max}, not '{text}'");
        }

        return value;
    }

    public double GetDouble(string name, double defaultValue)
    {
        var text = GetString(name);
        if (text is null)
        {
            return defaultValue;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < 0)
        {
            throw new UsageException($"option '--{name}' must be a non-negative number, not '{text}'");
        }

        return value;
    }
}
