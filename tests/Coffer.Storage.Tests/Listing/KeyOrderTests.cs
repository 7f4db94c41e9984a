using System.Text;
using Coffer.Storage.Listing;

namespace Coffer.Storage.Tests.Listing;

public sealed class KeyOrderTests
{
    [Theory]
    [InlineData("a", "b")]
    [InlineData("a", "aa")]
    [InlineData("", "a")]
    [InlineData("Z", "a")]
    [InlineData("z", "\u00e9")]
    [InlineData("\uFFFD", "\U0001F600")]
    public void Compare_OrdersByUtf8Bytes(string smaller, string larger)
    {
        var a = Encoding.UTF8.GetBytes(smaller);
        var b = Encoding.UTF8.GetBytes(larger);

        Assert.True(KeyOrder.Compare(a, b) < 0);
        Assert.True(KeyOrder.Compare(b, a) > 0);
        Assert.Equal(0, KeyOrder.Compare(a, (byte[])a.Clone()));
    }

    [Fact]
    public void Successor_IsTheKeyWithAZeroByteAppended()
    {
        var key = "abc"u8.ToArray();

        var next = KeyOrder.Successor(key);

        Assert.Equal([(byte)'a', (byte)'b', (byte)'c', 0], next);
        Assert.True(KeyOrder.Compare(key, next) < 0);
    }

    [Theory]
    [InlineData(new byte[] { 0x61, 0x62 }, new byte[] { 0x61, 0x63 })]
    [InlineData(new byte[] { 0x61, 0xFF }, new byte[] { 0x62 })]
    [InlineData(new byte[] { 0x61, 0xFF, 0xFF }, new byte[] { 0x62 })]
    [InlineData(new byte[] { 0xC3, 0xA9 }, new byte[] { 0xC3, 0xAA })]
    [InlineData(new byte[] { 0x2F }, new byte[] { 0x30 })]
    public void PrefixUpperBound_IsTheSmallestKeyPastEverythingWithThePrefix(byte[] prefix, byte[] expected)
    {
        var bound = KeyOrder.PrefixUpperBound(prefix);

        Assert.Equal(expected, bound);
        Assert.True(KeyOrder.Compare([.. prefix, 0xFF, 0xFF, 0xFF], bound) < 0);
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xFF, 0xFF })]
    public void PrefixUpperBound_WithoutAnyKeyAfterThePrefix_IsNull(byte[] prefix)
    {
        Assert.Null(KeyOrder.PrefixUpperBound(prefix));
    }

    [Fact]
    public void PrefixUpperBound_DoesNotChangeItsArgument()
    {
        var prefix = new byte[] { 0x61, 0x62 };

        KeyOrder.PrefixUpperBound(prefix);

        Assert.Equal([0x61, 0x62], prefix);
    }
}
