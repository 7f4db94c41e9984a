using Coffer.Crypto.Segments;

namespace Coffer.Crypto.Tests;

/// <summary>Encrypts and decrypts whole test objects, recording what a reader got before any failure.</summary>
internal static class Segments
{
    public const int SmallSegment = 16;

    public static readonly SegmentBinding Binding = new("photos", "2024/cat.jpg", "3HL4kqtJlcpXroDTDmJ-rmSpXd3dIbrHY", 0);

    /// <summary>A fixed key, so a failure reproduces.</summary>
    public static DataKey Key() => DataKey.FromBytes(Enumerable.Range(0, DataKey.Size).Select(i => (byte)(0xA0 + i)).ToArray());

    public static byte[] Plaintext(long length) => Enumerable.Range(0, checked((int)length)).Select(i => (byte)((i * 31) + 7)).ToArray();

    public static byte[] Encrypt(byte[] plaintext, int segmentSize, int chunk = int.MaxValue, SegmentBinding? binding = null, DataKey? key = null)
    {
        using var ownKey = key is null ? Key() : null;
        using var output = new MemoryStream();
        using (var encryptor = new SegmentEncryptor(key ?? ownKey!, binding ?? Binding, segmentSize, output.WriteAsync))
        {
            for (var offset = 0; offset < plaintext.Length; offset += chunk)
            {
                encryptor.WriteAsync(plaintext.AsMemory(offset, Math.Min(chunk, plaintext.Length - offset)), CancellationToken.None).AsTask().GetAwaiter().GetResult();
            }

            encryptor.CompleteAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return output.ToArray();
    }

    /// <summary>Reads the whole object; returns what was delivered and the authentication failure, if any.</summary>
    public static (byte[] Delivered, SegmentAuthenticationException? Failure) Decrypt(
        byte[] ciphertext, long plaintextLength, int segmentSize, SegmentBinding? binding = null, DataKey? key = null, int readSize = 7)
    {
        using var ownKey = key is null ? Key() : null;
        using var stream = new SegmentDecryptingStream(new MemoryStream(ciphertext), key ?? ownKey!, binding ?? Binding, new SegmentLayout(plaintextLength, segmentSize));
        return ReadAll(stream, readSize);
    }

    public static (byte[] Delivered, SegmentAuthenticationException? Failure) ReadAll(Stream stream, int readSize)
    {
        var delivered = new MemoryStream();
        var buffer = new byte[readSize];
        try
        {
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                delivered.Write(buffer, 0, read);
            }

            return (delivered.ToArray(), null);
        }
        catch (SegmentAuthenticationException e)
        {
            // The stream stays failed: reading again must not hand out anything either.
            Assert.Throws<SegmentAuthenticationException>(() => stream.Read(buffer));
            return (delivered.ToArray(), e);
        }
    }

    /// <summary>
    /// Asserts that decryption failed at <paramref name="segment"/> and that every byte delivered
    /// before it was the true plaintext of earlier segments.
    /// </summary>
    public static void AssertFailsAt(long segment, byte[] plaintext, int segmentSize, (byte[] Delivered, SegmentAuthenticationException? Failure) result)
    {
        Assert.NotNull(result.Failure);
        Assert.Equal(segment, result.Failure.Segment);
        Assert.True(result.Delivered.Length <= segment * segmentSize, $"{result.Delivered.Length} bytes delivered from segments up to {segment}");
        Assert.Equal(plaintext[..result.Delivered.Length], result.Delivered);
    }
}
