using System.Text.Json.Serialization;
using Coffer.Audit.Digests;
using Coffer.Audit.Segments;

namespace Coffer.Audit.Records;

/// <summary>
/// Source-generated serialisation for everything the audit trail writes. CloudTrail's names are
/// camelCase with nulls left out; the few exceptions are attributes on the types.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(AuditRecord))]
[JsonSerializable(typeof(AuditDigest))]
[JsonSerializable(typeof(SegmentHeader))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
