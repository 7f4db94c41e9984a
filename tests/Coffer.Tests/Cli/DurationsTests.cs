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
    [InlineData(604800, "7d")]
    [InlineData(93784, "1d2h3m4s")]
    public void Format_ReadsAsItIsWritten(int seconds, string expected) =>
        Assert.Equal(expected, Durations.Format(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0s", 0)]
    [InlineData("24h", 86400)]
    public void Parse_AllowingZero_AcceptsZeroToo(string text, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text, "--grace", allowZero: true));

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("later")]
    public void Parse_AllowingZero_StillRejectsTheRest(string text) =>
        Assert.Throws<UsageException>(() => Durations.Parse(text, "--grace", allowZero: true));

    [Theory]
    [InlineData(8380800, "97d")]
    [InlineData(86399, "23h")]
    [InlineData(3599, "59m")]
    [InlineData(59, "59s")]
    [InlineData(-5, "0s")]
    public void Approximate_KeepsTheLargestUnit(int seconds, string expected) =>
        Assert.Equal(expected, Durations.Approximate(TimeSpan.FromSeconds(seconds)));
}
