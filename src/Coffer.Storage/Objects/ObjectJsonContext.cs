using System.Text.Json.Serialization;

namespace Coffer.Storage.Objects;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ObjectHeaders))]
internal sealed partial class ObjectJsonContext : JsonSerializerContext;
