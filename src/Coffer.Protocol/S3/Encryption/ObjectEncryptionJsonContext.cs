using System.Text.Json.Serialization;

namespace Coffer.Protocol.S3.Encryption;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ObjectEncryption))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class ObjectEncryptionJsonContext : JsonSerializerContext;
