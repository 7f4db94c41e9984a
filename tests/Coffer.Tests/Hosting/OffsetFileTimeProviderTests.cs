using Coffer.Hosting;

namespace Coffer.Tests.Hosting;

public sealed class OffsetFileTimeProviderTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"coffer-offset-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_path);

    [Theory]
    [InlineData("P40D", 40 * 86400)]
    [InlineData("PT36H", 36 * 3600)]
    [InlineData(" 90 \n", 90)]
    [InlineData("1.5", 1.5)]
    [InlineData("", 0)]
    public void GetUtcNow_AddsTheOffsetInTheFile(string content, double seconds)
    {
        File.WriteAllText(_path, content);

        Assert.Equal(Now + TimeSpan.FromSeconds(seconds), new OffsetFileTimeProvider(_path, new Fixed(Now)).GetUtcNow());
    }

    [Fact]
    public void GetUtcNow_ReReadsTheFile_AndAMissingFileMeansNoOffset()
    {
        var clock = new OffsetFileTimeProvider(_path, new Fixed(Now));
        Assert.Equal(Now, clock.GetUtcNow());

        File.WriteAllText(_path, "P1D");
        Assert.Equal(Now.AddDays(1), clock.GetUtcNow());
    }

    [Fact]
    public void GetUtcNow_NonsenseInTheFile_Throws_SoThePassFailsLoudly()
    {
        File.WriteAllText(_path, "forty days");

        Assert.Throws<FormatException>(() => new OffsetFileTimeProvider(_path, new Fixed(Now)).GetUtcNow());
    }

    private sealed class Fixed(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
