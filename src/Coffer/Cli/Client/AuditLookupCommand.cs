using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coffer.Cli.Client;

/// <summary>
/// <c>coffer audit lookup</c>: CloudTrail's LookupEvents with every filter at once, the ones
/// CloudTrail lacks sent as Coffer's extension member (CofferLookupAttributes).
/// </summary>
internal static class AuditLookupCommand
{
    public const string Usage = """
        usage: coffer audit lookup [filters] [--max N] [--json]

        Lists audit events of the last 90 days, newest first, that match every filter given.
        Needs cloudtrail:LookupEvents (root has it).

        filters:
          --from TIME           events at or after TIME: ISO 8601 (2026-03-04T10:00:00Z) or an age (90m, 24h, 7d)
          --to TIME             events at or before TIME, written the same way
          --user NAME|ARN       the caller: an IAM user's name, a role session's name, root, or an ARN
          --access-key-id ID    the access key that signed the request
          --event-name NAME     the operation, e.g. PutObject, CreateUser, Decrypt
          --bucket B            the bucket the request named
          --key-prefix P        object keys starting with P (best with --bucket)
          --error-code C        failed requests with this error, e.g. AccessDenied
          --source-ip IP        the client's address
          --max N               at most N events (default 50)

        examples:
          coffer audit lookup --user alice --from 24h
          coffer audit lookup --bucket team-data --key-prefix reports/ --error-code AccessDenied --json
        """;

    private const string Target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";
    private const int PageSize = 50;

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(
            args,
            Usage,
            ["--from", "--to", "--user", "--access-key-id", "--event-name", "--bucket", "--key-prefix", "--error-code", "--source-ip", "--max"],
            [],
            LookupAsync);

    private static async Task<int> LookupAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        KeyCommand.NoArguments(line);
        var now = client.Time.GetUtcNow();
        var from = line.Get("--from") is { } f ? Time(f, "--from", now) : (DateTimeOffset?)null;
        var to = line.Get("--to") is { } t ? Time(t, "--to", now) : (DateTimeOffset?)null;
        var max = line.Get("--max") is { } m
            ? int.TryParse(m, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw new UsageException($"--max {m}: expected a positive number")
            : PageSize;
        if (from > to)
        {
            throw new UsageException("--from is after --to");
        }

        var attributes = new JsonArray();
        void Attribute(string key, string? value)
        {
            if (value is not null)
            {
                attributes.Add(new JsonObject { ["AttributeKey"] = key, ["AttributeValue"] = value });
            }
        }

        var user = line.Get("--user");
        Attribute("PrincipalArn", user is not null && user.StartsWith("arn:", StringComparison.Ordinal) ? user : null);
        Attribute("Username", user is not null && !user.StartsWith("arn:", StringComparison.Ordinal) ? user : null);
        Attribute("AccessKeyId", line.Get("--access-key-id"));
        Attribute("EventName", line.Get("--event-name"));
        Attribute("Bucket", line.Get("--bucket"));
        Attribute("KeyPrefix", line.Get("--key-prefix"));
        Attribute("ErrorCode", line.Get("--error-code"));
        Attribute("SourceIpAddress", line.Get("--source-ip"));

        var events = new List<JsonElement>();
        string? token = null;
        do
        {
            var request = new JsonObject
            {
                ["CofferLookupAttributes"] = attributes.DeepClone(),
                ["MaxResults"] = Math.Min(PageSize, max - events.Count),
            };
            if (from is { } start)
            {
                request["StartTime"] = start.ToUnixTimeSeconds();
            }

            if (to is { } end)
            {
                request["EndTime"] = end.ToUnixTimeSeconds();
            }

            if (token is not null)
            {
                request["NextToken"] = token;
            }

            var page = await client.JsonAsync("cloudtrail", Target, request, cancellationToken).ConfigureAwait(false);
            events.AddRange(page.TryGetProperty("Events", out var list) ? list.EnumerateArray() : []);
            token = page.TryGetProperty("NextToken", out var next) ? next.GetString() : null;
        }
        while (token is not null && events.Count < max);

        var records = events.Select(e => JsonNode.Parse(e.GetProperty("CloudTrailEvent").GetString()!)!).ToList();
        if (line.Json)
        {
            Console.WriteLine(new JsonArray([.. records]).ToJsonString(KeyCommand.JsonOptions));
        }
        else if (records.Count == 0)
        {
            Console.WriteLine("no audit event matches");
        }
        else
        {
            Table.Write(
                Console.Out,
                ["TIME", "EVENT", "USER", "ACCESS KEY ID", "SOURCE IP", "ERROR", "RESOURCE"],
                events.Zip(records, (e, r) => new[]
                {
                    Timestamps.Iso(DateTimeOffset.FromUnixTimeMilliseconds((long)(e.GetProperty("EventTime").GetDouble() * 1000))),
                    $"{Service(e.GetProperty("EventSource").GetString())}:{e.GetProperty("EventName").GetString()}",
                    e.TryGetProperty("Username", out var u) ? u.GetString() ?? "-" : Text(r, "userIdentity", "type") ?? "-",
                    e.TryGetProperty("AccessKeyId", out var k) ? k.GetString() ?? "-" : "-",
                    Text(r, "sourceIPAddress") ?? "-",
                    Text(r, "errorCode") ?? "-",
                    e.GetProperty("Resources").EnumerateArray().Select(x => x.GetProperty("ResourceName").GetString()).FirstOrDefault() ?? "-",
                }));
        }

        return 0;
    }

    /// <summary>An ISO 8601 time, or an age such as 24h counted back from now.</summary>
    private static DateTimeOffset Time(string text, string option, DateTimeOffset now)
    {
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
        {
            return time;
        }

        try
        {
            return now - Durations.Parse(text, option);
        }
        catch (UsageException)
        {
            throw new UsageException($"{option} {text}: expected an ISO 8601 time (2026-03-04T10:00:00Z) or an age (90m, 24h, 7d)");
        }
    }

    private static string? Service(string? eventSource) => eventSource?.Split('.')[0];

    private static string? Text(JsonNode record, params string[] path)
    {
        var node = record;
        foreach (var name in path)
        {
            node = node?[name];
        }

        return node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
    }
}
