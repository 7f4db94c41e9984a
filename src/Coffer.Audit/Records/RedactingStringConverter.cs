using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coffer.Audit.Records;

/// <summary>Writes a string with embedded credentials cut out (<see cref="AuditRedaction.Scrub"/>).</summary>
internal sealed class RedactingStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
        writer.WriteStringValue(AuditRedaction.Scrub(value));
}
