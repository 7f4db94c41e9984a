using System.Globalization;

namespace Coffer.Identity.AccessKeys;

/// <summary>
/// A deactivation of an IAM user's access key scheduled as a tag of the user:
/// <c>coffer:deactivate-key/ACCESS_KEY_ID</c> = a UTC time in ISO 8601. From that time on the
/// server treats the key as Inactive, whether or not anyone comes back to deactivate it; an
/// explicit status change or deletion of the key removes the tag. A tag rather than a column so
/// that any IAM client can set, see and remove it with TagUser, ListUserTags and UntagUser.
/// </summary>
public static class ScheduledDeactivation
{
    // Written by `coffer key rotate` and read by every server since: must not change.
    public const string TagPrefix = "coffer:deactivate-key/";

    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mm:sszzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
    ];

    public static string TagKey(string accessKeyId) => TagPrefix + accessKeyId;

    /// <summary>The tag's value for <paramref name="at"/>, to the second.</summary>
    public static string Format(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>An ISO 8601 time with its zone (Z or an offset); a time without one is refused rather than guessed.</summary>
    public static bool TryParse(string value, out DateTimeOffset at) =>
        DateTimeOffset.TryParseExact(value, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);

    /// <summary>The access key id a schedule tag names; false for any other tag.</summary>
    public static bool IsScheduleTag(string tagKey, out string accessKeyId)
    {
        var matches = tagKey.Length > TagPrefix.Length && tagKey.StartsWith(TagPrefix, StringComparison.OrdinalIgnoreCase);
        accessKeyId = matches ? tagKey[TagPrefix.Length..] : string.Empty;
        return matches;
    }

    /// <summary>Every deactivation the user's tags schedule, by access key id; unreadable times are left out.</summary>
    public static Dictionary<string, DateTimeOffset> All(IEnumerable<KeyValuePair<string, string>> tags)
    {
        var schedule = new Dictionary<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in tags)
        {
            if (IsScheduleTag(key, out var accessKeyId) && TryParse(value, out var at))
            {
                schedule[accessKeyId] = at;
            }
        }

        return schedule;
    }

    /// <summary>When the user's tags deactivate <paramref name="accessKeyId"/>; null when they do not.</summary>
    public static DateTimeOffset? For(IEnumerable<KeyValuePair<string, string>> tags, string accessKeyId) =>
        All(tags).TryGetValue(accessKeyId, out var at) ? at : null;

    /// <summary>Whether a key stored with <paramref name="storedActive"/> is active at <paramref name="now"/>.</summary>
    public static bool IsActive(bool storedActive, DateTimeOffset? deactivatesAt, DateTimeOffset now) =>
        storedActive && !(deactivatesAt <= now);
}
