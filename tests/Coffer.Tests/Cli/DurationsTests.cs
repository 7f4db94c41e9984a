using Coffer.Cli.Client;

namespace Coffer.Tests.Cli;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("900", 900)]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("7d", 604800)]
    [InlineData("1m30s", 90)]
    public void Parse_AcceptsSecondsAndUnits(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text, "--expires"));

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("0m")]
    [InlineData("h")]
    [InlineData("15x")]
    [InlineData("1h30")]
    [InlineData("-5m")]
    [InlineData("1.5h")]
    [InlineData("99999999999999999999")]
    [InlineData("9999999999999999d")]
    public void Parse_RejectsAnythingElseAsAUsageError(string text)
    {
        var error = Assert.Throws<UsageException>(() => Durations.Parse(text, "--expires"));
        Assert.StartsWith($"--expires {text}: expected a duration", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3600, "1h")]
    [InlineData(5400, "1h30m")]
    [InlineData(3599, "59m59s")]
    [InlineData(45, "45s")]
    [InlineData(0, "0s")]
    public void Format_ReadsAsItIsWritten(int seconds, string expected) =>
        Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));
}
