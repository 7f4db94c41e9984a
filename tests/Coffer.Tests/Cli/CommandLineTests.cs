using Coffer.Cli.Client;

namespace Coffer.Tests.Cli;

public sealed class CommandLineTests
{
    [Fact]
    public void Parse_SeparatesPositionalsOptionsAndFlags()
    {
        var line = CommandLine.Parse(["get", "--expires", "5m", "s3://b/k", "--role=Viewer", "--json", "--context", "a=1", "--context", "b=2"], ["--expires", "--role", "--context"], []);

        Assert.Equal(["get", "s3://b/k"], line.Positionals);
        Assert.Equal("5m", line.Get("--expires"));
        Assert.Equal("Viewer", line.Get("--role"));
        Assert.Equal(["a=1", "b=2"], line.All("--context"));
        Assert.True(line.Json);
        Assert.False(line.Help);
        Assert.Null(line.Get("--endpoint"));
    }

    [Fact]
    public void Parse_ValueMayStartWithADash()
    {
        var line = CommandLine.Parse(["--context", "-x=1", "-"], ["--context"], []);

        Assert.Equal("-x=1", line.Get("--context"));
        Assert.Equal(["-"], line.Positionals);
    }

    [Theory]
    [InlineData("--unknown")]
    [InlineData("--role")]
    [InlineData("--json=yes")]
    public void Parse_UnknownOrIncompleteOptions_AreUsageErrors(string arg) =>
        Assert.Throws<UsageException>(() => CommandLine.Parse([arg], ["--role"], []));

    [Fact]
    public void Get_OfAnOptionGivenTwice_IsAUsageError()
    {
        var line = CommandLine.Parse(["--role", "a", "--role", "b"], ["--role"], []);

        Assert.Throws<UsageException>(() => line.Get("--role"));
        Assert.Throws<UsageException>(() => line.Required("--user"));
    }
}
