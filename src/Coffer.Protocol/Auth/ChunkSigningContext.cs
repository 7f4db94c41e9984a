namespace Coffer.Protocol.Auth;

/// <summary>What a signed aws-chunked body needs to verify each chunk: the request's key, date, scope and seed signature.</summary>
internal sealed record ChunkSigningContext(byte[] SigningKey, string AmzDate, string Scope, string SeedSignature);
