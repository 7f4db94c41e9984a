using System.Text.Json.Serialization;

namespace Coffer.Bench.Reporting;

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchReport))]
[JsonSerializable(typeof(MultipartReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
