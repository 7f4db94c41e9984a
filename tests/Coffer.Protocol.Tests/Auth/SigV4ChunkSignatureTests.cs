using System.Text;
using Coffer.Protocol.Auth;

namespace Coffer.Protocol.Tests.Auth;

/// <summary>
/// "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks":
/// 65,536 + 1,024 bytes of 'a' and the final empty chunk, each signature chained on the previous one.
/// </summary>
public sealed class SigV4ChunkSignatureTests
{
    private const string AmzDate = "20130524T000000Z";
    private const string Scope = "20130524/us-east-1/s3/aws4_request";
    private const string SeedSignature = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    private const string FirstChunkSignature = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
    private const string SecondChunkSignature = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
    private const string FinalChunkSignature = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";

    private static readonly byte[] SigningKey =
        SigV4.SigningKey(Encoding.UTF8.GetBytes("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "20130524", "us-east-1", "s3");

    [Fact]
    public void FirstChunk_StringToSign_MatchesPublished()
    {
        var stringToSign = ChunkStringToSign(SeedSignature, Filled(65536));

        Assert.Equal(
            "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            + "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9\n"
            + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
            + "bf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a",
            stringToSign);
    }

    [Fact]
    public void FirstChunk_Signature_MatchesPublished()
    {
        Assert.Equal(FirstChunkSignature, SigV4.Signature(SigningKey, ChunkStringToSign(SeedSignature, Filled(65536))));
    }

    [Fact]
    public void SecondChunk_ChainsOnFirstSignature()
    {
        var stringToSign = ChunkStringToSign(FirstChunkSignature, Filled(1024));

        Assert.EndsWith("\n2edc986847e209b4016e141a6dc8716d3207350f416969382d431539bf292e4a", stringToSign, StringComparison.Ordinal);
        Assert.Equal(SecondChunkSignature, SigV4.Signature(SigningKey, stringToSign));
    }

    [Fact]
    public void FinalEmptyChunk_ChainsOnSecondSignature()
    {
        Assert.Equal(FinalChunkSignature, SigV4.Signature(SigningKey, ChunkStringToSign(SecondChunkSignature, [])));
    }

    [Fact]
    public void Chunk_WithOneByteChanged_HasAnotherSignature()
    {
        var tampered = Filled(65536);
        tampered[40000] = (byte)'b';

        Assert.NotEqual(FirstChunkSignature, SigV4.Signature(SigningKey, ChunkStringToSign(SeedSignature, tampered)));
    }

    [Fact]
    public void Chunk_ChainedOnAnotherPreviousSignature_HasAnotherSignature()
    {
        // Reordering or replaying chunks changes the previous signature each one is chained on.
        Assert.NotEqual(SecondChunkSignature, SigV4.Signature(SigningKey, ChunkStringToSign(SeedSignature, Filled(1024))));
    }

    [Fact]
    public void SignaturesEqual_ComparesExactly()
    {
        Assert.True(SigV4.SignaturesEqual(FirstChunkSignature, FirstChunkSignature));
        Assert.False(SigV4.SignaturesEqual(FirstChunkSignature, SecondChunkSignature));
        Assert.False(SigV4.SignaturesEqual(FirstChunkSignature, FirstChunkSignature[..^1]));
        Assert.False(SigV4.SignaturesEqual(FirstChunkSignature, FirstChunkSignature.ToUpperInvariant()));
    }

    internal static string ChunkStringToSign(string previousSignature, ReadOnlySpan<byte> chunk) =>
        "AWS4-HMAC-SHA256-PAYLOAD\n" + AmzDate + "\n" + Scope + "\n" + previousSignature + "\n"
        + SigV4.EmptySha256 + "\n" + SigV4.HexSha256(chunk);

    private static byte[] Filled(int length)
    {
        var data = new byte[length];
        Array.Fill(data, (byte)'a');
        return data;
    }
}
