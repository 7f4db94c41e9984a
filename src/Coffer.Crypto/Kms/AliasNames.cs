namespace Coffer.Crypto.Kms;

/// <summary>AWS's rules for alias names: alias/NAME, 1–256 characters of A–Z a–z 0–9 / _ -, and alias/aws/ reserved.</summary>
internal static class AliasNames
{
    public const string Prefix = "alias/";
    public const string ReservedPrefix = "alias/aws/";
    public const string AwsS3 = "alias/aws/s3";
    public const int MaxLength = 256;

    /// <summary>Checks a name an alias is to be created, changed or deleted under.</summary>
    public static string ValidateWritable(string name)
    {
        Validate(name);
        if (name.StartsWith(ReservedPrefix, StringComparison.Ordinal))
        {
            throw new KmsException(KmsErrorCode.NotAuthorized, $"Alias names that begin with {ReservedPrefix} are reserved for AWS managed keys.");
        }

        return name;
    }

    public static void Validate(string name)
    {
        if (name.Length is 0 or > MaxLength)
        {
            throw KmsException.Constraint("aliasName", name.Length > 64 ? null : name, name.Length == 0
                ? "must have length greater than or equal to 1"
                : $"must have length less than or equal to {MaxLength}");
        }

        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw KmsException.Validation("Alias must start with the prefix \"alias/\". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html");
        }

        if (name.Contains(':', StringComparison.Ordinal))
        {
            throw KmsException.Validation($"{name} contains invalid characters for an alias");
        }

        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-'))
        {
            throw KmsException.Constraint("aliasName", name, "must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$");
        }

        if (name.Length == Prefix.Length || name.EndsWith('/'))
        {
            throw new KmsException(KmsErrorCode.InvalidAliasName, $"Alias name {name} is not valid.");
        }
    }
}
