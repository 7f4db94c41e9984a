using System.Text.Json;

namespace Coffer.Policy.Parsing;

/// <summary>
/// Finds where each statement object starts and ends in the text. JsonDocument keeps no
/// positions, so this is a second, forward-only pass with Utf8JsonReader.
/// </summary>
internal static class StatementLocator
{
    public static List<(PolicyPosition Start, PolicyPosition End)> Locate(byte[] utf8)
    {
        var offsets = new List<(int Start, int End)>();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = PolicyLimits.MaxDepth });
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isStatement = reader.ValueTextEquals("Statement"u8);
            reader.Read();
            if (!isStatement)
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                offsets.Add(ReadObject(ref reader));
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        offsets.Add(ReadObject(ref reader));
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return ToPositions(utf8, offsets);
    }

    private static (int Start, int End) ReadObject(ref Utf8JsonReader reader)
    {
        var start = (int)reader.TokenStartIndex;
        reader.Skip();
        return (start, (int)reader.TokenStartIndex);
    }

    /// <summary>One forward scan over the text for all offsets, which arrive in increasing order.</summary>
    private static List<(PolicyPosition, PolicyPosition)> ToPositions(byte[] utf8, List<(int Start, int End)> offsets)
    {
        var positions = new List<(PolicyPosition, PolicyPosition)>(offsets.Count);
        int index = 0, line = 1, column = 1;
        PolicyPosition Advance(int target)
        {
            for (; index < target; index++)
            {
                var b = utf8[index];
                if (b == (byte)'\n')
                {
                    line++;
                    column = 1;
                }
                else if ((b & 0xC0) != 0x80)
                {
                    // Count characters, not UTF-8 continuation bytes.
                    column++;
                }
            }

            return new PolicyPosition(line, column);
        }

        foreach (var (start, end) in offsets)
        {
            positions.Add((Advance(start), Advance(end)));
        }

        return positions;
    }
}
