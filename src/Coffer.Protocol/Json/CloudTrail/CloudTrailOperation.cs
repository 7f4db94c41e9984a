namespace Coffer.Protocol.Json.CloudTrail;

/// <summary>The CloudTrail operations this server implements; each name is the X-Amz-Target's operation and, prefixed with "cloudtrail:", the IAM action.</summary>
public enum CloudTrailOperation
{
    LookupEvents,
}
