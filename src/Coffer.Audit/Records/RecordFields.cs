using System.Text.Json;

namespace Coffer.Audit.Records;

/// <summary>Reads single fields from a record's JSON without building the record.</summary>
internal static class RecordFields
{
    /// <summary>The top-level eventTime, or null when missing or malformed.</summary>
    public static DateTimeOffset? EventTime(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isTime = reader.ValueTextEquals("eventTime"u8);
                reader.Read();
                if (isTime)
                {
                    return reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var time) ? time : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }
}
