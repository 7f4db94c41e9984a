using System.Text.Json.Serialization;

namespace Coffer.Protocol.S3;

[JsonSerializable(typeof(BucketEncryption.Stored))]
internal sealed partial class BucketEncryptionJsonContext : JsonSerializerContext;
