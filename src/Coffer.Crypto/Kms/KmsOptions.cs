namespace Coffer.Crypto.Kms;

/// <summary>Where the KMS lives, for its ARNs, and how often due work is done in the background.</summary>
public sealed class KmsOptions
{
    public string Region { get; set; } = "us-east-1";

    /// <summary>The 12-digit account the keys belong to.</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>
    /// How often keys due for automatic rotation are rotated and keys past their deletion window
    /// destroyed. Both also happen when such a key is next used, so this bounds only how long
    /// an unused key lingers.
    /// </summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Region) || Region.Contains(':', StringComparison.Ordinal))
        {
            yield return "kms: the region must be a plain name";
        }

        if (AccountId.Length != 12 || !AccountId.All(char.IsAsciiDigit))
        {
            yield return "kms: the account id must be 12 digits";
        }

        if (MaintenanceInterval <= TimeSpan.Zero)
        {
            yield return "kms: the maintenance interval must be positive";
        }
    }
}
