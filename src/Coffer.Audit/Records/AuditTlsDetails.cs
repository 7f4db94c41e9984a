namespace Coffer.Audit.Records;

/// <summary>The TLS version and cipher of an HTTPS request, and the Host the client sent.</summary>
public sealed class AuditTlsDetails
{
    /// <summary>"TLSv1.2", "TLSv1.3".</summary>
    public string? TlsVersion { get; init; }

    public string? CipherSuite { get; init; }

    public string? ClientProvidedHostHeader { get; init; }
}
