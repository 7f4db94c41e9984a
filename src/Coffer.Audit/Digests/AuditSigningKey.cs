using System.Security.Cryptography;

namespace Coffer.Audit.Digests;

/// <summary>The private half of a digest-signing key pair: ECDSA P-256 over SHA-256, DER signatures.</summary>
public sealed class AuditSigningKey : IDisposable
{
    private readonly ECDsa _key;

    private AuditSigningKey(ECDsa key, DateTimeOffset createdAt)
    {
        _key = key;
        CreatedAt = createdAt;
        PublicKey = AuditPublicKey.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
    }

    public AuditPublicKey PublicKey { get; }

    public string Fingerprint => PublicKey.Fingerprint;

    public DateTimeOffset CreatedAt { get; }

    public static AuditSigningKey Generate(DateTimeOffset createdAt) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), createdAt);

    internal static AuditSigningKey FromPkcs8(ReadOnlySpan<byte> pkcs8, DateTimeOffset createdAt)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(pkcs8, out _);
        return new AuditSigningKey(key, createdAt);
    }

    /// <summary>The private key as PKCS#8; the caller seals it and clears the array.</summary>
    internal byte[] ExportPkcs8() => _key.ExportPkcs8PrivateKey();

    public byte[] Sign(ReadOnlySpan<byte> data) => _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public void Dispose() => _key.Dispose();
}
