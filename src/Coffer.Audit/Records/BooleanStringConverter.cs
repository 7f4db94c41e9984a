using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coffer.Audit.Records;

/// <summary>A boolean written as "true"/"false", as CloudTrail writes mfaAuthenticated.</summary>
internal sealed class BooleanStringConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => string.Equals(reader.GetString(), "true", StringComparison.OrdinalIgnoreCase),
        };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value ? "true" : "false");
}
