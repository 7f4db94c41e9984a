namespace Coffer.Cli;

internal static class CofferCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("usage: coffer serve [--data DIR] [--listen HOST:PORT]");
        return Task.FromResult(args.Length == 0 ? 2 : 2);
    }
}
