using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Coffer.Audit.Records;

/// <summary>
/// Writes free-form JSON (requestParameters, responseElements) with <see cref="AuditRedaction"/>
/// applied at every depth; the caller's object is left as it was.
/// </summary>
internal sealed class RedactingObjectConverter : JsonConverter<JsonObject>
{
    public override JsonObject? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonNode.Parse(ref reader) as JsonObject;

    public override void Write(Utf8JsonWriter writer, JsonObject value, JsonSerializerOptions options) => WriteNode(writer, value);

    private static void WriteNode(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, child) in obj)
                {
                    writer.WritePropertyName(name);
                    if (AuditRedaction.IsSensitiveName(name))
                    {
                        writer.WriteStringValue(AuditRedaction.Hidden);
                    }
                    else
                    {
                        WriteNode(writer, child);
                    }
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var child in array)
                {
                    WriteNode(writer, child);
                }

                writer.WriteEndArray();
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                writer.WriteStringValue(AuditRedaction.Scrub(text));
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
