using System.Security.Cryptography;

namespace Coffer.Audit.Digests;

/// <summary>
/// A digest-signing public key (ECDSA P-256, as a DER SubjectPublicKeyInfo). Its fingerprint,
/// which digests name in digestPublicKeyFingerprint, is the first 16 bytes of the SHA-256 of that
/// DER in hex: the same 32-character shape as CloudTrail's fingerprints.
/// </summary>
public sealed class AuditPublicKey
{
    private AuditPublicKey(byte[] subjectPublicKeyInfo, string fingerprint)
    {
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        Fingerprint = fingerprint;
    }

    public byte[] SubjectPublicKeyInfo { get; }

    public string Fingerprint { get; }

    public static AuditPublicKey FromSubjectPublicKeyInfo(byte[] der)
    {
        using var check = ECDsa.Create();
        check.ImportSubjectPublicKeyInfo(der, out _);
        return new AuditPublicKey(der, Convert.ToHexStringLower(SHA256.HashData(der).AsSpan(0, 16)));
    }

    /// <summary>From "-----BEGIN PUBLIC KEY-----" PEM, as <see cref="ToPem"/> (and `coffer audit public-key`) writes it.</summary>
    public static AuditPublicKey FromPem(string pem)
    {
        using var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo());
    }

    public string ToPem() => PemEncoding.WriteString("PUBLIC KEY", SubjectPublicKeyInfo);

    /// <summary>Checks a DER-encoded ECDSA signature over SHA-256 of <paramref name="data"/> (Java's SHA256withECDSA).</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(SubjectPublicKeyInfo, out _);
        return key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }
}
