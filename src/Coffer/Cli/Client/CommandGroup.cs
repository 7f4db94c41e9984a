namespace Coffer.Cli.Client;

/// <summary>A command with sub-commands (<c>coffer user create</c>, <c>coffer key rotate</c>): picks the sub-command or explains the group.</summary>
internal static class CommandGroup
{
    public static async Task<int> RunAsync(string[] args, string usage, IReadOnlyDictionary<string, Func<string[], Task<int>>> commands)
    {
        var name = args.FirstOrDefault();
        if (name is "--help" or "-h" or "help")
        {
            Console.WriteLine(usage);
            return 0;
        }

        if (name is not null && commands.TryGetValue(name, out var run))
        {
            return await run(args[1..]).ConfigureAwait(false);
        }

        await Console.Error.WriteLineAsync((name is null ? "error: a sub-command is required" : $"error: unknown sub-command {name}") + "\n\n" + usage).ConfigureAwait(false);
        return 2;
    }
}
