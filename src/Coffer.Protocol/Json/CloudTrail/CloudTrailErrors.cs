namespace Coffer.Protocol.Json.CloudTrail;

/// <summary>LookupEvents' errors by CloudTrail's names, all HTTP 400.</summary>
internal static class CloudTrailErrors
{
    public static JsonProtocolException LookupAttributes(string message) => new("InvalidLookupAttributesException", message);

    public static JsonProtocolException TimeRange() =>
        new("InvalidTimeRangeException", "The time range is not valid: the start time occurs after the end time.");

    public static JsonProtocolException MaxResults() =>
        new("InvalidMaxResultsException", "MaxResults must be from 1 to 50.");

    public static JsonProtocolException NextToken() =>
        new("InvalidNextTokenException", "Invalid NextToken: it was not issued by this API, or it is used with parameters other than those of the call that returned it.");

    public static JsonProtocolException EventCategory(string value) =>
        new("InvalidEventCategoryException", $"EventCategory '{value}' is not valid; the only valid value is insight.");
}
