namespace Coffer.Crypto.Tests;

public sealed class DataKeyTests
{
    [Fact]
    public void Generate_GivesDistinct256BitKeys()
    {
        using var first = DataKey.Generate();
        using var second = DataKey.Generate();
        Assert.Equal(32, first.Bytes.Length);
        Assert.False(first.Bytes.SequenceEqual(second.Bytes));
    }

    [Fact]
    public void FromBytes_CopiesTheKey()
    {
        var bytes = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        using var key = DataKey.FromBytes(bytes);
        bytes[0] = 0xFF;
        Assert.Equal(0, key.Bytes[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    public void FromBytes_WrongLength_Throws(int length) =>
        Assert.Throws<ArgumentException>(() => DataKey.FromBytes(new byte[length]));

    [Fact]
    public void Dispose_ZeroesTheKeyAndRefusesFurtherUse()
    {
        var key = DataKey.Generate();
        var bytes = key.Bytes;
        key.Dispose();
        Assert.True(bytes.IndexOfAnyExcept((byte)0) < 0);
        Assert.Throws<ObjectDisposedException>(() => key.Bytes.Length);
    }
}
