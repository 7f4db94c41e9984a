using System.Text.Json.Serialization;

namespace Coffer.Storage.Objects;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ObjectHeaders))]
[JsonSerializable(typeof(List<KeyValuePair<string, string>>))]
internal sealed partial class ObjectJsonContext : JsonSerializerContext;
