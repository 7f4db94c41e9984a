namespace Coffer.Audit.Records;

/// <summary>
/// What must never reach an audit record: credentials, signatures, tokens, passwords and SSE-C keys.
/// Applied by the serialiser to every free-form value (<see cref="RedactingObjectConverter"/>,
/// <see cref="RedactingStringConverter"/>), so no code path can write one: a sensitive property
/// keeps its name and gets CloudTrail's placeholder as its value, and credentials embedded in a
/// string (a pre-signed URL, an Authorization header) are cut out of it.
/// </summary>
public static class AuditRedaction
{
    /// <summary>The value CloudTrail itself writes in place of a sensitive parameter.</summary>
    public const string Hidden = "HIDDEN_DUE_TO_SECURITY_REASONS";

    // Names compared lower-case with '-', '_' and '.' removed, so "X-Amz-Security-Token",
    // "x_amz_security_token" and "XAmzSecurityToken" are one name.
    private static readonly HashSet<string> SensitiveNames = new(StringComparer.Ordinal)
    {
        "authorization", "proxyauthorization", "cookie", "setcookie",
        "secretaccesskey", "secretkey", "sessiontoken", "securitytoken", "xamzsecuritytoken",
        "signature", "xamzsignature", "password", "newpassword", "oldpassword", "passwordhash",
        "xamzserversideencryptioncustomerkey", "xamzcopysourceserversideencryptioncustomerkey",
        "ssecustomerkey", "copysourcessecustomerkey", "privatekey", "keymaterial", "plaintext",
        "samlassertion", "webidentitytoken", "accesstoken", "refreshtoken", "idtoken", "clientsecret",
        "totpcode", "totpsecret", "mfacode", "tokencode", "authenticationcode1", "authenticationcode2",
    };

    // Suffixes that mark a secret whatever comes before them ("UserPassword", "ClientSecret").
    // "customerkey" matches SSE-C keys but not their "…customerkeymd5" digests, which are safe.
    private static readonly string[] SensitiveSuffixes = ["password", "secret", "secretaccesskey", "sessiontoken", "securitytoken", "signature", "customerkey"];

    // Query or header parameters whose value is a credential wherever it appears inside a string.
    private static readonly string[] EmbeddedCredentials = ["X-Amz-Signature=", "X-Amz-Security-Token=", "X-Amz-Credential-Secret=", "Signature=", "x-amz-server-side-encryption-customer-key="];

    private static readonly System.Buffers.SearchValues<char> ValueEnd = System.Buffers.SearchValues.Create("&,; \"'");

    private const int MaxNameLength = 128;

    /// <summary>Whether a property of this name holds a secret and must be replaced by <see cref="Hidden"/>.</summary>
    public static bool IsSensitiveName(ReadOnlySpan<char> name)
    {
        if (name.Length > MaxNameLength)
        {
            return false;
        }

        Span<char> normal = stackalloc char[name.Length];
        var length = 0;
        foreach (var c in name)
        {
            if (c is not ('-' or '_' or '.'))
            {
                normal[length++] = char.ToLowerInvariant(c);
            }
        }

        var candidate = normal[..length];
        if (SensitiveNames.GetAlternateLookup<ReadOnlySpan<char>>().Contains(candidate))
        {
            return true;
        }

        foreach (var suffix in SensitiveSuffixes)
        {
            if (candidate.EndsWith(suffix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <see cref="Scrub"/> would change the value; cheap, so the common case allocates nothing.</summary>
    public static bool NeedsScrubbing(ReadOnlySpan<char> value)
    {
        foreach (var marker in EmbeddedCredentials)
        {
            if (value.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value with every embedded credential (up to the next '&amp;', ',', ';', quote or space) replaced by <see cref="Hidden"/>.</summary>
    public static string Scrub(string value)
    {
        if (!NeedsScrubbing(value))
        {
            return value;
        }

        var result = value;
        foreach (var marker in EmbeddedCredentials)
        {
            var start = 0;
            while ((start = result.IndexOf(marker, start, StringComparison.OrdinalIgnoreCase)) >= 0)
            {
                var valueStart = start + marker.Length;
                var valueEnd = result.AsSpan(valueStart).IndexOfAny(ValueEnd);
                valueEnd = valueEnd < 0 ? result.Length : valueStart + valueEnd;
                result = string.Concat(result.AsSpan(0, valueStart), Hidden, result.AsSpan(valueEnd));
                start = valueStart + Hidden.Length;
            }
        }

        return result;
    }
}
