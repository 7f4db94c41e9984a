namespace Coffer.Identity.AccessKeys;

/// <summary>An access key with its secret, as needed to verify SigV4. Never logged.</summary>
public sealed record Credential(string AccessKeyId, byte[] Secret, Principal Principal, bool IsActive)
{
    public override string ToString() => $"Credential {{ AccessKeyId = {AccessKeyId}, Principal = {Principal.Arn} }}";
}
