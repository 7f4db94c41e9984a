namespace Coffer.Cli.Client;

/// <summary>
/// A parsed command line: positional arguments, <c>--name value</c> options (repeatable ones keep
/// every value) and <c>--flag</c> switches. Anything not declared is a usage error.
/// </summary>
internal sealed class CommandLine
{
    /// <summary>Options every client command accepts.</summary>
    public static readonly string[] CommonOptions = ["--endpoint", "--region", "--profile"];

    /// <summary>Switches every client command accepts.</summary>
    public static readonly string[] CommonFlags = ["--json", "--help", "-h"];

    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public List<string> Positionals { get; } = [];

    public bool Json => Has("--json");

    public bool Help => Has("--help") || Has("-h");

    public static CommandLine Parse(IReadOnlyList<string> args, IEnumerable<string> options, IEnumerable<string> flags)
    {
        var valueOptions = new HashSet<string>(CommonOptions.Concat(options), StringComparer.Ordinal);
        var switches = new HashSet<string>(CommonFlags.Concat(flags), StringComparer.Ordinal);
        var result = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-")
            {
                result.Positionals.Add(arg);
                continue;
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 && arg.StartsWith("--", StringComparison.Ordinal) ? arg[..eq] : arg;
            if (switches.Contains(name) && eq < 0)
            {
                result._flags.Add(name);
            }
            else if (valueOptions.Contains(name))
            {
                string value;
                if (eq > 0)
                {
                    value = arg[(eq + 1)..];
                }
                else if (i + 1 < args.Count)
                {
                    value = args[++i];
                }
                else
                {
                    throw new UsageException($"{name} needs a value");
                }

                if (!result._options.TryGetValue(name, out var values))
                {
                    result._options[name] = values = [];
                }

                values.Add(value);
            }
            else
            {
                throw new UsageException($"unknown option {name}");
            }
        }

        return result;
    }

    public bool Has(string flag) => _flags.Contains(flag);

    /// <summary>The value of a single-valued option; given twice is a usage error.</summary>
    public string? Get(string name) => _options.TryGetValue(name, out var values)
        ? values.Count == 1 ? values[0] : throw new UsageException($"{name} given more than once")
        : null;

    public string Required(string name) => Get(name) ?? throw new UsageException($"{name} is required");

    public IReadOnlyList<string> All(string name) => _options.TryGetValue(name, out var values) ? values : [];
}
