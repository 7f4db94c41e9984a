using Coffer.Crypto.Segments;

namespace Coffer.Crypto.Tests;

public sealed class SegmentBindingTests
{
    [Fact]
    public void AssociatedData_FieldBoundariesCannotShift()
    {
        string[][] bindings = [["ab", "c", "v"], ["a", "bc", "v"], ["a", "b", "cv"], ["", "abc", "v"]];
        var encoded = bindings.Select(b => Convert.ToHexString(new SegmentBinding(b[0], b[1], b[2], 0).ToAssociatedData(16))).ToList();
        Assert.Equal(encoded.Count, encoded.Distinct().Count());
    }

    [Fact]
    public void AssociatedData_DependsOnPartNumberAndSegmentSize()
    {
        var binding = new SegmentBinding("b", "k", "v", 1);
        Assert.NotEqual(binding.ToAssociatedData(16), new SegmentBinding("b", "k", "v", 2).ToAssociatedData(16));
        Assert.NotEqual(binding.ToAssociatedData(16), binding.ToAssociatedData(32));
    }

    [Fact]
    public void AssociatedData_LoneSurrogate_IsRejectedRatherThanReplaced() =>
        Assert.ThrowsAny<ArgumentException>(() => new SegmentBinding("b", "k\uD800", "v", 0).ToAssociatedData(16));

    [Fact]
    public void Constructor_NegativePartNumber_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SegmentBinding("b", "k", "v", -1));
}
