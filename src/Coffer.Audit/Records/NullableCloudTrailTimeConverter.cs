using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coffer.Audit.Records;

/// <summary><see cref="CloudTrailTimeConverter"/> for optional times; the serialiser writes null itself.</summary>
internal sealed class NullableCloudTrailTimeConverter : JsonConverter<DateTimeOffset?>
{
    private static readonly CloudTrailTimeConverter Inner = new();

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : Inner.Read(ref reader, typeof(DateTimeOffset), options);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options) =>
        Inner.Write(writer, value!.Value, options);
}
