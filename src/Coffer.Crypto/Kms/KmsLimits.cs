using System.Globalization;

namespace Coffer.Crypto.Kms;

/// <summary>
/// AWS KMS's bounds on request members, checked with AWS's validation messages. The front-end
/// checks them before it resolves or authorises anything, as AWS does; the service checks again.
/// </summary>
public static class KmsLimits
{
    public const int MaxPlaintextBytes = 4096;
    public const int MaxCiphertextBytes = 6144;
    public const int MaxDataKeyBytes = 1024;
    public const int MaxDescriptionLength = 8192;
    public const int MinPendingWindowDays = 7;
    public const int MaxPendingWindowDays = 30;
    public const int MinRotationPeriodDays = 90;
    public const int MaxRotationPeriodDays = 2560;
    public const int DefaultRotationPeriodDays = 365;

    /// <summary>How many on-demand rotations a key may have, as on AWS.</summary>
    public const int MaxOnDemandRotations = 25;

    public static void Plaintext(int length) => Length("plaintext", length, MaxPlaintextBytes);

    public static void Ciphertext(int length) => Length("ciphertextBlob", length, MaxCiphertextBytes);

    public static int NumberOfBytes(int count) => Range("numberOfBytes", count, 1, MaxDataKeyBytes);

    /// <summary>7–30 days; 30 when not given.</summary>
    public static int PendingWindowInDays(int? days) => Range("pendingWindowInDays", days ?? MaxPendingWindowDays, MinPendingWindowDays, MaxPendingWindowDays);

    /// <summary>90–2560 days; 365 when not given.</summary>
    public static int RotationPeriodInDays(int? days) => Range("rotationPeriodInDays", days ?? DefaultRotationPeriodDays, MinRotationPeriodDays, MaxRotationPeriodDays);

    /// <summary>A name an alias is to be created, changed or deleted under: AWS's naming rules, alias/aws/ reserved.</summary>
    public static void WritableAliasName(string name) => AliasNames.ValidateWritable(name);

    public static void Description(string? description)
    {
        if (description?.Length > MaxDescriptionLength)
        {
            throw KmsException.Constraint("description", null, $"must have length less than or equal to {MaxDescriptionLength}");
        }
    }

    /// <summary>A listing's page size: <paramref name="defaultLimit"/> when not given, 1 to <paramref name="maxLimit"/>.</summary>
    public static int Limit(int? limit, int defaultLimit, int maxLimit) => Range("limit", limit ?? defaultLimit, 1, maxLimit);

    private static void Length(string member, int length, int max)
    {
        if (length is 0 || length > max)
        {
            throw KmsException.Constraint(member, null, length == 0
                ? "must have length greater than or equal to 1"
                : $"must have length less than or equal to {max}");
        }
    }

    private static int Range(string member, int value, int min, int max) =>
        value < min || value > max
            ? throw KmsException.Constraint(member, value.ToString(CultureInfo.InvariantCulture), value < min
                ? $"must have value greater than or equal to {min}"
                : $"must have value less than or equal to {max}")
            : value;
}
