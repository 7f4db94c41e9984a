using System.Text;
using Coffer.Crypto.Segments;

namespace Coffer.Crypto.Tests;

/// <summary>
/// Pins the stored format. The expected values were computed independently (Python's
/// cryptography AESGCM, from the format's description); if one of these fails, the format
/// changed and blobs already written would no longer decrypt.
/// </summary>
public sealed class SegmentFormatVectorTests
{
    private static readonly SegmentBinding Binding = new("bucket", "folder/ключ.txt", "version-1", 2);

    [Fact]
    public void AssociatedData_IsVersionSegmentSizeAndLengthPrefixedFields() =>
        Assert.Equal(
            "0100000010000000066275636b657400000013666f6c6465722fd0bad0bbd18ed1872e7478740000000976657273696f6e2d3100000002",
            Convert.ToHexStringLower(Binding.ToAssociatedData(16)));

    [Fact]
    public void Encrypt_FixedKeyBindingAndPlaintext_GivesTheRecordedCiphertext()
    {
        using var key = DataKey.FromBytes(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        var plaintext = Encoding.ASCII.GetBytes("Coffer pins its segment format, v1 here.");
        var ciphertext = Segments.Encrypt(plaintext, 16, binding: Binding, key: key);
        Assert.Equal(
            "4dd3d3b8d05ea3cd61c6da157158e2b98ddfd9a50de369b2cc2d81c5f57f8f66" // segment 0
            + "538912566fd2300c779239c367e5ad2061fba8956a0eeb70689c52c94cde9a2c" // segment 1
            + "3e0005a2b4e07c54e3bae95208d9d3cadd827e2059b53f42", // segment 2, final
            Convert.ToHexStringLower(ciphertext));
    }

    [Fact]
    public void Encrypt_EmptyObject_IsOneFinalTag()
    {
        using var key = DataKey.FromBytes(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());
        Assert.Equal("53e6b2e2ec0b34b437e803bd82159a47", Convert.ToHexStringLower(Segments.Encrypt([], 16, binding: Binding, key: key)));
    }
}
