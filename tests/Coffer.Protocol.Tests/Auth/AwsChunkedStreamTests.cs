using System.Buffers;
using System.Text;
using Coffer.Protocol.Auth;
using Coffer.Protocol.S3;

namespace Coffer.Protocol.Tests.Auth;

/// <summary>
/// The aws-chunked decoder against AWS's chunked-upload examples (65,536 + 1,024 bytes of 'a'),
/// with and without a signed trailer, and against tampered and truncated bodies.
/// </summary>
public sealed class AwsChunkedStreamTests
{
    private const string AmzDate = "20130524T000000Z";
    private const string Scope = "20130524/us-east-1/s3/aws4_request";

    private static readonly byte[] SigningKey =
        SigV4.SigningKey(Encoding.UTF8.GetBytes("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "20130524", "us-east-1", "s3");

    private static readonly string[] ExampleSignatures =
    [
        "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
        "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
        "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
    ];

    private static readonly ChunkSigningContext ExampleSigning =
        new(SigningKey, AmzDate, Scope, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");

    private static readonly byte[] Payload = Filled(66560);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 13)]
    [InlineData(4096, 1000)]
    [InlineData(100_000, 65536)]
    [InlineData(100_000, 100_000)]
    public async Task SignedExample_DecodesToThePayload_WhateverTheReadSizes(int transportPiece, int readSize)
    {
        using var stream = new AwsChunkedStream(new TrickleStream(ExampleBody(), transportPiece), ExampleSigning, expectTrailer: false);

        var decoded = await ReadAllAsync(stream, readSize);

        Assert.Equal(Payload, decoded);
    }

    [Fact]
    public void SignedExample_HasThePublishedContentLength()
    {
        Assert.Equal(66824, ExampleBody().Length);
    }

    [Fact]
    public async Task SignedExample_AfterTheEnd_KeepsReturningZero()
    {
        using var stream = new AwsChunkedStream(new MemoryStream(ExampleBody()), ExampleSigning, expectTrailer: false);
        await ReadAllAsync(stream, 8192);

        Assert.Equal(0, await stream.ReadAsync(new byte[16]));
    }

    [Fact]
    public async Task TamperedFirstChunk_ReleasesNothing()
    {
        var body = ExampleBody();
        body[HeaderLength(65536, ExampleSignatures[0]) + 1000] = (byte)'b';
        using var stream = new AwsChunkedStream(new MemoryStream(body), ExampleSigning, expectTrailer: false);

        var (released, error) = await ReadUntilErrorAsync(stream, 1);

        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
        Assert.Equal(0, released);
    }

    [Fact]
    public async Task TamperedSecondChunk_ReleasesOnlyTheVerifiedFirstChunk()
    {
        var body = ExampleBody();
        body[^(HeaderLength(0, ExampleSignatures[2]) + 2 + 2 + 10)] = (byte)'b';
        using var stream = new AwsChunkedStream(new TrickleStream(body, 999), ExampleSigning, expectTrailer: false);

        var (released, error) = await ReadUntilErrorAsync(stream, 100);

        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
        Assert.Equal(65536, released);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task ChangedChunkSignature_IsRejected(int which)
    {
        var signatures = (string[])ExampleSignatures.Clone();
        signatures[which] = signatures[which][..^1] + (signatures[which][^1] == '0' ? '1' : '0');
        using var stream = new AwsChunkedStream(new MemoryStream(Body(signatures, Payload[..65536], Payload[65536..])), ExampleSigning, expectTrailer: false);

        var (released, error) = await ReadUntilErrorAsync(stream, 4096);

        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
        int[] verifiedBefore = [0, 65536, 66560];
        Assert.Equal(verifiedBefore[which], released);
    }

    [Fact]
    public async Task ChunkWithoutSignature_InSignedMode_IsRejected()
    {
        var body = Encoding.ASCII.GetBytes("400\r\n" + new string('a', 1024) + "\r\n0\r\n\r\n");
        using var stream = new AwsChunkedStream(new MemoryStream(body), ExampleSigning, expectTrailer: false);

        var (released, error) = await ReadUntilErrorAsync(stream, 4096);

        Assert.Equal(S3ErrorCode.InvalidRequest, error.Code);
        Assert.Equal(0, released);
    }

    [Fact]
    public async Task ReplayedFirstChunk_IsRejectedAtTheReplay()
    {
        // The first chunk with its genuine signature, sent twice: the chain makes the copy invalid.
        var first = Chunk(ExampleSignatures[0], Payload[..65536]);
        var body = first.Concat(first).Concat(Chunk(ExampleSignatures[2], [])).Concat("\r\n"u8.ToArray()).ToArray();
        using var stream = new AwsChunkedStream(new MemoryStream(body), ExampleSigning, expectTrailer: false);

        var (released, error) = await ReadUntilErrorAsync(stream, 4096);

        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
        Assert.Equal(65536, released);
    }

    [Fact]
    public async Task WrongSeedSignature_RejectsTheFirstChunk()
    {
        var signing = ExampleSigning with { SeedSignature = new string('0', 64) };
        using var stream = new AwsChunkedStream(new MemoryStream(ExampleBody()), signing, expectTrailer: false);

        var (released, error) = await ReadUntilErrorAsync(stream, 4096);

        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
        Assert.Equal(0, released);
    }

    public static TheoryData<int> TruncationPoints()
    {
        var length = ExampleBody().Length;
        var firstHeader = HeaderLength(65536, ExampleSignatures[0]);
        return new TheoryData<int>(
            0,
            5,
            firstHeader - 3,
            firstHeader,
            firstHeader + 65535,
            firstHeader + 65536,
            firstHeader + 65536 + 1,
            firstHeader + 65536 + 2,
            firstHeader + 65536 + 2 + 20,
            length - HeaderLength(0, ExampleSignatures[2]) - 2 - 1,
            length - HeaderLength(0, ExampleSignatures[2]) - 2,
            length - 2 - 10);
    }

    [Theory]
    [MemberData(nameof(TruncationPoints))]
    public async Task TruncatedBody_ThrowsAndNeverEndsCleanly(int keep)
    {
        using var stream = new AwsChunkedStream(new MemoryStream(ExampleBody()[..keep]), ExampleSigning, expectTrailer: false);

        var (released, error) = await ReadUntilErrorAsync(stream, 4096);

        Assert.NotNull(error);
        Assert.True(released is 0 or 65536 or 66560, $"released {released} bytes: only whole verified chunks may be released");
    }

    [Fact]
    public async Task TruncatedInsideTheFirstChunk_IsIncompleteBody()
    {
        using var stream = new AwsChunkedStream(new MemoryStream(ExampleBody()[..30000]), ExampleSigning, expectTrailer: false);

        var (released, error) = await ReadUntilErrorAsync(stream, 4096);

        Assert.Equal(S3ErrorCode.IncompleteBody, error.Code);
        Assert.Equal(0, released);
    }

    [Fact]
    public async Task ChunkLongerThanItsSize_IsRejected()
    {
        var body = Encoding.ASCII.GetBytes("400;chunk-signature=" + ExampleSignatures[1] + "\r\n" + new string('a', 1025) + "\r\n");
        using var stream = new AwsChunkedStream(new MemoryStream(body), ExampleSigning, expectTrailer: false);

        var (released, error) = await ReadUntilErrorAsync(stream, 4096);

        Assert.NotNull(error);
        Assert.Equal(0, released);
    }

    [Theory]
    [InlineData("zz;chunk-signature=00\r\n")]
    [InlineData("-1;chunk-signature=00\r\n")]
    [InlineData(";chunk-signature=00\r\n")]
    [InlineData("1000001;chunk-signature=00\r\n")]
    public async Task MalformedChunkSize_IsInvalidRequest(string header)
    {
        using var stream = new AwsChunkedStream(new MemoryStream(Encoding.ASCII.GetBytes(header)), ExampleSigning, expectTrailer: false);

        var (_, error) = await ReadUntilErrorAsync(stream, 4096);

        Assert.Equal(S3ErrorCode.InvalidRequest, error.Code);
    }

    [Fact]
    public async Task SignedTrailerExample_DecodesPayloadAndExposesVerifiedTrailer()
    {
        using var stream = new AwsChunkedStream(new TrickleStream(TrailerExampleBody("sOO8/Q=="), 777), TrailerExampleSigning(), expectTrailer: true);

        var decoded = await ReadAllAsync(stream, 5000);

        Assert.Equal(Payload, decoded);
        Assert.Equal("sOO8/Q==", stream.Trailers["x-amz-checksum-crc32c"]);
        Assert.False(stream.Trailers.ContainsKey("x-amz-trailer-signature"));
    }

    [Fact]
    public async Task SignedTrailer_WithChangedChecksumValue_IsRejected()
    {
        using var stream = new AwsChunkedStream(new MemoryStream(TrailerExampleBody("AAAAAA==")), TrailerExampleSigning(), expectTrailer: true);

        var (_, error) = await ReadUntilErrorAsync(stream, 4096);

        Assert.Equal(S3ErrorCode.SignatureDoesNotMatch, error.Code);
    }

    [Fact]
    public async Task SignedTrailer_WithoutTrailerSignature_IsRejected()
    {
        var body = Encoding.ASCII.GetString(TrailerExampleBody("sOO8/Q=="));
        var cut = body.IndexOf("x-amz-trailer-signature", StringComparison.Ordinal);
        var stripped = Encoding.ASCII.GetBytes(body[..cut] + "\r\n");
        using var stream = new AwsChunkedStream(new MemoryStream(stripped), TrailerExampleSigning(), expectTrailer: true);

        var (_, error) = await ReadUntilErrorAsync(stream, 4096);

        Assert.NotNull(error);
    }

    [Fact]
    public async Task UnsignedTrailer_DecodesPayloadAndTrailer()
    {
        var body = Encoding.ASCII.GetBytes(
            "10000\r\n" + new string('a', 65536) + "\r\n400\r\n" + new string('a', 1024) + "\r\n0\r\nx-amz-checksum-crc32c:sOO8/Q==\r\n\r\n");
        using var stream = new AwsChunkedStream(new TrickleStream(body, 333), signing: null, expectTrailer: true);

        var decoded = await ReadAllAsync(stream, 1000);

        Assert.Equal(Payload, decoded);
        Assert.Equal("sOO8/Q==", stream.Trailers["x-amz-checksum-crc32c"]);
    }

    [Fact]
    public async Task UnsignedTrailer_TruncatedBeforeTheFinalChunk_IsIncompleteBody()
    {
        var body = Encoding.ASCII.GetBytes("10000\r\n" + new string('a', 65536) + "\r\n400\r\n" + new string('a', 1024) + "\r\n");
        using var stream = new AwsChunkedStream(new MemoryStream(body), signing: null, expectTrailer: true);

        var (released, error) = await ReadUntilErrorAsync(stream, 4096);

        Assert.Equal(S3ErrorCode.IncompleteBody, error.Code);
        Assert.Equal(66560, released);
    }

    [Fact]
    public void Dispose_Twice_ReturnsItsBufferToThePoolOnce()
    {
        var stream = new AwsChunkedStream(new MemoryStream(), ExampleSigning, expectTrailer: false);

        stream.Dispose();
        stream.Dispose();

        // A buffer returned twice would be handed to two renters at once.
        var first = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var second = ArrayPool<byte>.Shared.Rent(64 * 1024);
        Assert.NotSame(first, second);
        ArrayPool<byte>.Shared.Return(first);
        ArrayPool<byte>.Shared.Return(second);
    }

    private static ChunkSigningContext TrailerExampleSigning() =>
        new(SigningKey, AmzDate, Scope, "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e");

    /// <summary>"Signature calculation for trailing headers": the same payload with a signed x-amz-checksum-crc32c trailer.</summary>
    private static byte[] TrailerExampleBody(string checksum) =>
        Chunk("b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2", Payload[..65536])
            .Concat(Chunk("1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7", Payload[65536..]))
            .Concat(Encoding.ASCII.GetBytes(
                "0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n"
                + "x-amz-checksum-crc32c:" + checksum + "\r\n"
                + "x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n"))
            .ToArray();

    private static byte[] ExampleBody() => Body(ExampleSignatures, Payload[..65536], Payload[65536..]);

    private static byte[] Body(string[] signatures, byte[] first, byte[] second) =>
        Chunk(signatures[0], first).Concat(Chunk(signatures[1], second)).Concat(Chunk(signatures[2], [])).ToArray();

    private static byte[] Chunk(string signature, byte[] data) =>
        Encoding.ASCII.GetBytes($"{data.Length:x};chunk-signature={signature}\r\n").Concat(data).Concat("\r\n"u8.ToArray()).ToArray();

    private static int HeaderLength(int size, string signature) => $"{size:x};chunk-signature={signature}\r\n".Length;

    private static async Task<byte[]> ReadAllAsync(Stream stream, int readSize)
    {
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
        }

        return output.ToArray();
    }

    /// <summary>Reads until the stream throws; fails the test if it ends without an error.</summary>
    private static async Task<(int Released, S3Exception Error)> ReadUntilErrorAsync(Stream stream, int readSize)
    {
        var released = 0;
        var buffer = new byte[readSize];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer)) > 0)
            {
                released += n;
            }
        }
        catch (S3Exception e)
        {
            return (released, e);
        }

        Assert.Fail($"The stream ended cleanly after {released} bytes.");
        throw new InvalidOperationException();
    }

    private static byte[] Filled(int length)
    {
        var data = new byte[length];
        Array.Fill(data, (byte)'a');
        return data;
    }

    /// <summary>A transport that hands out at most a few bytes per read, to split frames anywhere.</summary>
    private sealed class TrickleStream(byte[] data, int piece) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, piece)], cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, piece));
    }
}
