namespace Coffer.Crypto.Kms;

/// <summary>
/// A KeyId parameter read: a key id (UUID), a key ARN, an alias name or an alias ARN, reduced
/// to a key id or an alias name. ARNs must name this region and account.
/// </summary>
internal readonly record struct KeyReference(string? KeyId, string? AliasName)
{
    public const int MaxLength = 2048;

    public bool IsAlias => AliasName is not null;

    /// <param name="allowAlias">Whether the operation takes aliases (Encrypt, DescribeKey) or only keys (EnableKey, ScheduleKeyDeletion).</param>
    /// <param name="member">The request member, for AWS's validation message.</param>
    public static KeyReference Parse(string value, KmsOptions options, bool allowAlias, string member = "keyId")
    {
        if (value.Length is 0 or > MaxLength)
        {
            throw KmsException.Constraint(member, value.Length > 64 ? null : value, value.Length == 0
                ? "must have length greater than or equal to 1"
                : $"must have length less than or equal to {MaxLength}");
        }

        var prefix = $"arn:aws:kms:{options.Region}:{options.AccountId}:";
        var rest = value;
        var isArn = value.StartsWith("arn:", StringComparison.Ordinal);
        if (isArn)
        {
            if (!value.StartsWith(prefix, StringComparison.Ordinal))
            {
                throw value.Contains(":alias/", StringComparison.Ordinal) && allowAlias
                    ? KmsException.AliasNotFound(value)
                    : KmsException.KeyNotFound(value);
            }

            rest = value[prefix.Length..];
            if (rest.StartsWith("key/", StringComparison.Ordinal))
            {
                rest = rest["key/".Length..];
            }
            else if (!rest.StartsWith("alias/", StringComparison.Ordinal))
            {
                throw KmsException.InvalidKeyId(value);
            }
        }

        if (rest.StartsWith("alias/", StringComparison.Ordinal))
        {
            return allowAlias ? new KeyReference(null, rest) : throw KmsException.InvalidKeyId(value);
        }

        return Guid.TryParseExact(rest, "D", out var id)
            ? new KeyReference(id.ToString("D"), null)
            : throw KmsException.InvalidKeyId(value);
    }
}
