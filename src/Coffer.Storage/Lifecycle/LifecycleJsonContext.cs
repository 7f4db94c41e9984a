using System.Text.Json.Serialization;

namespace Coffer.Storage.Lifecycle;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(LifecycleConfiguration))]
internal sealed partial class LifecycleJsonContext : JsonSerializerContext;
