namespace Coffer.Bench.Cli;

/// <summary>A benchmark step failed in a way that makes its figures meaningless.</summary>
internal sealed class BenchException(string message) : Exception(message);
