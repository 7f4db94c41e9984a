namespace Coffer.Policy;

/// <summary>
/// AWS's size limits on policy documents. The engine enforces only <see cref="MaxDocumentChars"/>;
/// callers apply the limit for the entity a policy is attached to.
/// </summary>
public static class PolicyLimits
{
    /// <summary>Managed policy, counted without whitespace (<see cref="CountNonWhitespace"/>).</summary>
    public const int ManagedPolicyChars = 6144;

    /// <summary>All inline policies of one user together.</summary>
    public const int UserInlineChars = 2048;

    /// <summary>All inline policies of one group together.</summary>
    public const int GroupInlineChars = 5120;

    /// <summary>All inline policies of one role together.</summary>
    public const int RoleInlineChars = 10240;

    /// <summary>A role's trust policy.</summary>
    public const int TrustPolicyChars = 2048;

    /// <summary>A bucket policy, in bytes as sent.</summary>
    public const int BucketPolicyBytes = 20480;

    /// <summary>Hard cap for any document the engine parses, whatever it is attached to.</summary>
    public const int MaxDocumentChars = 128 * 1024;

    /// <summary>JSON nesting the parser accepts; real policies need about five levels.</summary>
    public const int MaxDepth = 64;

    /// <summary>Characters that count against IAM's limits, which ignore whitespace.</summary>
    public static int CountNonWhitespace(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var count = 0;
        foreach (var c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                count++;
            }
        }

        return count;
    }
}
