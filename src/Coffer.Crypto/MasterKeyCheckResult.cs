namespace Coffer.Crypto;

/// <summary>What <see cref="MasterKeyCheck.VerifyAsync"/> found.</summary>
public enum MasterKeyCheckResult
{
    /// <summary>The key opens the check value: it is the key this data was sealed under.</summary>
    Matches,

    /// <summary>The key does not open the check value: starting would make every secret unreadable.</summary>
    DoesNotMatch,

    /// <summary>No check value yet (new data, or data from before the check existed).</summary>
    NotRecorded,
}
