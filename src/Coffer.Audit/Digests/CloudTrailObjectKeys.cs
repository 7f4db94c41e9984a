using System.Globalization;

namespace Coffer.Audit.Digests;

/// <summary>CloudTrail's key layout in the log bucket, for log files and digests.</summary>
public static class CloudTrailObjectKeys
{
    /// <summary>AWSLogs/ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_UNIQUE.json.gz</summary>
    public static string LogFile(string accountId, string region, DateTimeOffset deliveredAt, string unique)
    {
        var at = deliveredAt.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"AWSLogs/{accountId}/CloudTrail/{region}/{at:yyyy/MM/dd}/{accountId}_CloudTrail_{region}_{at:yyyyMMdd'T'HHmm'Z'}_{unique}.json.gz");
    }

    /// <summary>AWSLogs/ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/ACCOUNT_CloudTrail-Digest_REGION_TRAIL_REGION_YYYYMMDDTHHmmssZ.json.gz</summary>
    public static string Digest(string accountId, string region, string trailName, DateTimeOffset endTime)
    {
        var at = endTime.UtcDateTime;
        return string.Create(CultureInfo.InvariantCulture, $"AWSLogs/{accountId}/CloudTrail-Digest/{region}/{at:yyyy/MM/dd}/{accountId}_CloudTrail-Digest_{region}_{trailName}_{region}_{at:yyyyMMdd'T'HHmmss'Z'}.json.gz");
    }

    /// <summary>
    /// AWSLogs/ACCOUNT/CloudTrail-PublicKey/REGION/FINGERPRINT.pem: where Coffer publishes each
    /// digest-signing public key (CloudTrail serves them from its ListPublicKeys API instead).
    /// </summary>
    public static string PublicKey(string accountId, string region, string fingerprint) =>
        $"AWSLogs/{accountId}/CloudTrail-PublicKey/{region}/{fingerprint}.pem";
}
