using System.IO.Compression;
using System.Text.Json;
using Coffer.Audit.Chain;
using Coffer.Audit.LogFiles;

namespace Coffer.Audit.Verification;

/// <summary>A delivered log file split into its records' exact bytes and its chain block.</summary>
internal sealed class ParsedLogFile
{
    private ParsedLogFile(byte[] content) => Content = content;

    /// <summary>The uncompressed file.</summary>
    public byte[] Content { get; }

    public List<Range> Records { get; } = [];

    public List<byte[]> Hashes { get; } = [];

    public byte[] PreviousHash { get; private set; } = [];

    public ReadOnlySpan<byte> Record(int index) => Content.AsSpan(Records[index]);

    /// <summary>The chain hash the next file must start from.</summary>
    public byte[] LastHash => Hashes.Count > 0 ? Hashes[^1] : PreviousHash;

    /// <summary>The content, gunzipped when it is gzip; content that claims gzip and is not is returned as it is.</summary>
    public static byte[] Decompress(ReadOnlyMemory<byte> content)
    {
        var span = content.Span;
        if (span.Length < 2 || span[0] != 0x1f || span[1] != 0x8b)
        {
            return content.ToArray();
        }

        try
        {
            using var input = new MemoryStream(content.ToArray(), writable: false);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            // Damaged on the way or on purpose: taken as it is, so its hash differs and it does not parse.
            return content.ToArray();
        }
    }

    /// <summary>Parses the uncompressed file; null with <paramref name="error"/> when it is not a chained log file.</summary>
    public static ParsedLogFile? TryParse(byte[] content, out string? error)
    {
        var file = new ParsedLogFile(content);
        var sawChain = false;
        try
        {
            var reader = new Utf8JsonReader(content);
            Expect(ref reader, JsonTokenType.StartObject);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("Records"u8))
                {
                    Expect(ref reader, JsonTokenType.StartArray);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        var start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        file.Records.Add(start..(int)reader.BytesConsumed);
                    }
                }
                else if (reader.ValueTextEquals("CofferChain"u8))
                {
                    sawChain = true;
                    file.ReadChain(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            error = $"not a log file: {e.Message}";
            return null;
        }

        error = sawChain ? null : "it has no CofferChain block";
        return sawChain ? file : null;
    }

    private void ReadChain(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("version"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || reader.GetInt32() != AuditLogFiles.ChainVersion)
                {
                    throw new JsonException("unknown chain version");
                }
            }
            else if (reader.ValueTextEquals("previousHash"u8))
            {
                reader.Read();
                PreviousHash = ReadHash(ref reader);
            }
            else if (reader.ValueTextEquals("recordHashes"u8))
            {
                Expect(ref reader, JsonTokenType.StartArray);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    Hashes.Add(ReadHash(ref reader));
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (PreviousHash.Length == 0)
        {
            throw new JsonException("the chain has no previousHash");
        }
    }

    private static byte[] ReadHash(ref Utf8JsonReader reader)
    {
        var hash = new byte[AuditChain.HashSize];
        if (reader.TokenType != JsonTokenType.String || !Hex.TryParse(reader.ValueSpan, hash))
        {
            throw new JsonException("a chain hash is not 64 hex digits");
        }

        return hash;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (!reader.Read() || reader.TokenType != token)
        {
            throw new JsonException($"expected {token}");
        }
    }
}
