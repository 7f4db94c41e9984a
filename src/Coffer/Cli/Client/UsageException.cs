namespace Coffer.Cli.Client;

/// <summary>The command line is wrong: the command prints the message and its usage, and exits with 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
