using System.Globalization;
using System.Text.Json;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// CloudTrail's LookupEvents against a real server: after known requests by root, an IAM user and
/// an anonymous caller, each filter (CloudTrail's keys, and Coffer's extension) returns exactly the
/// events it should, pages cover everything once, and bad requests get CloudTrail's errors.
/// </summary>
public sealed class AuditLookupTests(AuditLookupFixture fixture) : IClassFixture<AuditLookupFixture>
{
    public static TheoryData<string> Filters => new()
    {
        "EventName", "Username:root", "Username:user", "AccessKeyId", "ReadOnly:true", "ReadOnly:false", "EventSource", "ResourceType",
        "ResourceName", "EventId", "Bucket", "BucketAndKeyPrefix", "ErrorCode", "SourceIpAddress", "PrincipalArn", "UserAndErrorCode",
        "AwsKeyAndExtension", "NoMatch",
    };

    public static TheoryData<string, string> BadRequests => new()
    {
        { """{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"PutObject"},{"AttributeKey":"Username","AttributeValue":"root"}]}""", "InvalidLookupAttributesException" },
        { """{"LookupAttributes":[{"AttributeKey":"Colour","AttributeValue":"red"}]}""", "InvalidLookupAttributesException" },
        { """{"LookupAttributes":[{"AttributeKey":"ReadOnly","AttributeValue":"maybe"}]}""", "InvalidLookupAttributesException" },
        { """{"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":""}]}""", "InvalidLookupAttributesException" },
        { """{"LookupAttributes":[{"AttributeKey":"EventName"}]}""", "InvalidLookupAttributesException" },
        { """{"CofferLookupAttributes":[{"AttributeKey":"Bucket","AttributeValue":"a"},{"AttributeKey":"Bucket","AttributeValue":"b"}]}""", "InvalidLookupAttributesException" },
        { """{"StartTime":1700000100,"EndTime":1700000000}""", "InvalidTimeRangeException" },
        { """{"MaxResults":0}""", "InvalidMaxResultsException" },
        { """{"MaxResults":51}""", "InvalidMaxResultsException" },
        { """{"NextToken":"not-a-token"}""", "InvalidNextTokenException" },
        { """{"NextToken":"AQ"}""", "InvalidNextTokenException" },
        { """{"EventCategory":"management"}""", "InvalidEventCategoryException" },
        { """{"EventCategory":"insight","LookupAttributes":[{"AttributeKey":"Username","AttributeValue":"root"}]}""", "InvalidLookupAttributesException" },
        { """{"MaxResults":"ten"}""", "SerializationException" },
        { """{"StartTime":"yesterday"}""", "SerializationException" },
    };

    [Fact]
    public void TheKnownRequests_AreAllInTheTrail()
    {
        var user = fixture.All.Where(e => Text(e, "Username") == fixture.UserName).Select(e => Text(e, "EventName")).Order().ToList();
        Assert.Equal(["GetObject", "PutObject"], user);
        Assert.Equal(5, fixture.All.Count(e => Text(e, "Username") == "root" && Text(e, "EventSource") == "s3.amazonaws.com" && Text(e, "EventName") is "CreateBucket" or "PutObject"));
        Assert.Equal(["CreateAccessKey", "CreateUser", "PutUserPolicy"], fixture.All.Where(e => Text(e, "EventSource") == "iam.amazonaws.com").Select(e => Text(e, "EventName")).Order());

        // The anonymous GET: no access key, refused.
        var anonymous = Assert.Single(fixture.All, e => !e.TryGetProperty("AccessKeyId", out _) && Record(e, "requestParameters", "key") == "reports/2026/a.csv");
        Assert.Equal("AccessDenied", Record(anonymous, "errorCode"));
        Assert.Equal(fixture.All.OrderByDescending(e => e.GetProperty("EventTime").GetDouble()).Select(Id), fixture.All.Select(Id));
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task EachFilter_ReturnsExactlyTheMatchingEvents(string filter)
    {
        var target = fixture.All.First(e => Text(e, "EventName") == "PutObject" && Text(e, "Username") == "root");
        var (request, matches) = filter switch
        {
            "EventName" => (Aws("EventName", "PutObject"), (Func<JsonElement, bool>)(e => Text(e, "EventName") == "PutObject")),
            "Username:root" => (Aws("Username", "root"), e => Text(e, "Username") == "root"),
            "Username:user" => (Aws("Username", fixture.UserName), e => Record(e, "userIdentity", "userName") == fixture.UserName),
            "AccessKeyId" => (Aws("AccessKeyId", fixture.UserKeyId), e => Record(e, "userIdentity", "accessKeyId") == fixture.UserKeyId),
            "ReadOnly:true" => (Aws("ReadOnly", "true"), e => Text(e, "ReadOnly") == "true"),
            "ReadOnly:false" => (Aws("ReadOnly", "false"), e => Text(e, "ReadOnly") == "false"),
            "EventSource" => (Aws("EventSource", "iam.amazonaws.com"), e => Text(e, "EventSource") == "iam.amazonaws.com"),
            "ResourceType" => (Aws("ResourceType", "AWS::S3::Bucket"), e => Resources(e).Any(r => r.Type == "AWS::S3::Bucket")),
            "ResourceName" => (Aws("ResourceName", AuditLookupFixture.Bucket), e => Resources(e).Any(r => r.Name == AuditLookupFixture.Bucket)),
            "EventId" => (Aws("EventId", Id(target)), e => Id(e) == Id(target)),
            "Bucket" => (Coffer(("Bucket", AuditLookupFixture.Bucket)), e => Record(e, "requestParameters", "bucketName") == AuditLookupFixture.Bucket),
            "BucketAndKeyPrefix" => (Coffer(("Bucket", AuditLookupFixture.Bucket), ("KeyPrefix", "reports/")),
                e => Record(e, "requestParameters", "bucketName") == AuditLookupFixture.Bucket && Record(e, "requestParameters", "key")?.StartsWith("reports/", StringComparison.Ordinal) == true),
            "ErrorCode" => (Aws("ErrorCode", "AccessDenied"), e => Record(e, "errorCode") == "AccessDenied"),
            "SourceIpAddress" => (Aws("SourceIpAddress", "127.0.0.1"), e => Record(e, "sourceIPAddress") == "127.0.0.1"),
            "PrincipalArn" => (Coffer(("PrincipalArn", fixture.UserArn)), e => Record(e, "userIdentity", "arn") == fixture.UserArn),
            "UserAndErrorCode" => (Coffer(("Username", fixture.UserName), ("ErrorCode", "AccessDenied")),
                e => Record(e, "userIdentity", "userName") == fixture.UserName && Record(e, "errorCode") == "AccessDenied"),
            "AwsKeyAndExtension" => (Merge(Aws("EventName", "PutObject"), Coffer(("KeyPrefix", "reports/2026/b"))),
                e => Text(e, "EventName") == "PutObject" && Record(e, "requestParameters", "key")?.StartsWith("reports/2026/b", StringComparison.Ordinal) == true),
            _ => (Aws("Username", "nobody-at-all"), _ => false),
        };
        using var cloudTrail = new CloudTrailApiClient(fixture.Server.Endpoint);

        var found = await cloudTrail.LookupAllAsync(Merge(fixture.Range(), request), pageSize: 3);

        var expected = fixture.All.Where(matches).Select(Id).ToList();
        Assert.Equal(expected, found.Select(Id));
        Assert.True(filter == "NoMatch" ? expected.Count == 0 : expected.Count > 0, $"{filter} should select some of the known events and not others");
        Assert.True(expected.Count < fixture.All.Count || filter is "SourceIpAddress", $"{filter} should leave some events out");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(50)]
    public async Task Paging_CoversEveryEventOnce_NewestFirst(int pageSize)
    {
        using var cloudTrail = new CloudTrailApiClient(fixture.Server.Endpoint);

        var found = await cloudTrail.LookupAllAsync(fixture.Range(), pageSize);

        Assert.Equal(fixture.All.Select(Id), found.Select(Id));
        Assert.Equal(found.Count, found.Select(Id).Distinct().Count());
    }

    [Fact]
    public async Task LookupEvents_AnswersWithCloudTrailsEventShape()
    {
        using var cloudTrail = new CloudTrailApiClient(fixture.Server.Endpoint);

        var response = await cloudTrail.LookupAsync(fixture.Range(("LookupAttributes", Attribute("Username", fixture.UserName)), ("MaxResults", 1)));

        Assert.Equal((200, "application/x-amz-json-1.1"), (response.Status, response.ContentType));
        var e = Assert.Single(response.Body.GetProperty("Events").EnumerateArray());
        Assert.Equal(("GetObject", "true", fixture.UserKeyId, "s3.amazonaws.com"), (Text(e, "EventName"), Text(e, "ReadOnly"), Text(e, "AccessKeyId"), Text(e, "EventSource")));
        Assert.Equal(JsonValueKind.Number, e.GetProperty("EventTime").ValueKind);
        Assert.Contains(("AWS::S3::Object", $"{AuditLookupFixture.OtherBucket}/nothing"), Resources(e));
        Assert.Equal(Id(e), Record(e, "eventID"));
        Assert.True(response.Body.TryGetProperty("NextToken", out _));
    }

    [Fact]
    public async Task ALookup_SeesTheCallersOwnJustMadeRequests()
    {
        using var s3 = SdkClients.Create(fixture.Server, maxErrorRetry: 0);
        using var cloudTrail = new CloudTrailApiClient(fixture.Server.Endpoint);
        var key = $"ryw/{Guid.NewGuid():N}";

        for (var i = 0; i < 3; i++)
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = AuditLookupFixture.Bucket, Key = $"{key}/{i}", ContentBody = "x" });
            var found = await cloudTrail.LookupAllAsync(new() { ["CofferLookupAttributes"] = Attribute("KeyPrefix", key) });
            Assert.Equal(i + 1, found.Count);
        }
    }

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadRequests_GetCloudTrailsErrors(string body, string error)
    {
        using var cloudTrail = new CloudTrailApiClient(fixture.Server.Endpoint);

        var response = await cloudTrail.LookupAsync(JsonSerializer.Deserialize<JsonElement>(body));

        Assert.Equal((400, error), (response.Status, response.ErrorType));
        Assert.NotEmpty(response.Message);
    }

    [Fact]
    public async Task ANextToken_OnlyServesTheParametersItWasIssuedFor()
    {
        using var cloudTrail = new CloudTrailApiClient(fixture.Server.Endpoint);
        var first = await cloudTrail.LookupAsync(fixture.Range(("MaxResults", 1)));
        var token = first.Body.GetProperty("NextToken").GetString()!;

        var same = await cloudTrail.LookupAsync(fixture.Range(("MaxResults", 2), ("NextToken", token)));
        var other = await cloudTrail.LookupAsync(fixture.Range(("NextToken", token), ("LookupAttributes", Attribute("Username", "root"))));
        var edited = await cloudTrail.LookupAsync(fixture.Range(("NextToken", token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1])));

        Assert.Equal(200, same.Status);
        Assert.Equal(fixture.All.Skip(1).Take(2).Select(Id), same.Body.GetProperty("Events").EnumerateArray().Select(Id));
        Assert.Equal("InvalidNextTokenException", other.ErrorType);
        Assert.Equal("InvalidNextTokenException", edited.ErrorType);
    }

    [Fact]
    public async Task InsightEvents_AreAValidCategory_WithNothingInIt()
    {
        using var cloudTrail = new CloudTrailApiClient(fixture.Server.Endpoint);

        var response = await cloudTrail.LookupAsync(new { EventCategory = "insight" });

        Assert.Equal(200, response.Status);
        Assert.Empty(response.Body.GetProperty("Events").EnumerateArray());
    }

    [Fact]
    public async Task AnIamUser_NeedsCloudTrailLookupEvents()
    {
        using var iam = new QueryApiClient(fixture.Server.Endpoint, "iam");
        var name = $"lookup-reader-{Guid.NewGuid():N}"[..30];
        await iam.CallAsync("CreateUser", ("UserName", name));
        var key = await iam.CallAsync("CreateAccessKey", ("UserName", name));
        using var reader = new CloudTrailApiClient(fixture.Server.Endpoint, QueryApiClient.Value(key, "AccessKeyId"), QueryApiClient.Value(key, "SecretAccessKey"));

        var refused = await reader.LookupAsync(new { });
        await iam.CallAsync("PutUserPolicy", ("UserName", name), ("PolicyName", "lookup"), ("PolicyDocument", IamTestUser.Policy(new { Effect = "Allow", Action = "cloudtrail:LookupEvents", Resource = "*" })));
        var allowed = await reader.LookupAsync(fixture.Range());
        await iam.CallAsync("PutUserPolicy", ("UserName", name), ("PolicyName", "deny"), ("PolicyDocument", IamTestUser.Policy(new { Effect = "Deny", Action = "cloudtrail:*", Resource = "*" })));
        var denied = await reader.LookupAsync(new { });

        Assert.Equal((400, "AccessDeniedException"), (refused.Status, refused.ErrorType));
        Assert.Contains("cloudtrail:LookupEvents", refused.Message, StringComparison.Ordinal);
        Assert.Equal(200, allowed.Status);
        Assert.Equal(fixture.All.Count, allowed.Body.GetProperty("Events").GetArrayLength());
        Assert.Equal((400, "AccessDeniedException"), (denied.Status, denied.ErrorType));
    }

    [Fact]
    public async Task AnUnsignedLookup_IsMissingAuthentication()
    {
        using var raw = new KmsApiClient(fixture.Server.Endpoint);

        var response = await raw.SendRawAsync(CloudTrailApiClient.Target, "{}"u8.ToArray(), unsigned: true);

        Assert.Equal((400, "MissingAuthenticationTokenException"), (response.Status, response.ErrorType));
    }

    [Fact]
    public async Task TheCli_FiltersLikeTheApi_AsATableOrJson()
    {
        var cli = new CofferCli(fixture.Server);
        var range = new[] { "--from", Iso(fixture.From), "--to", Iso(fixture.To.AddSeconds(1)) };

        var json = await cli.RunAsync(CofferCli.Root, ["audit", "lookup", .. range, "--bucket", AuditLookupFixture.Bucket, "--key-prefix", "reports/", "--json"]);
        var denied = await cli.RunAsync(CofferCli.Root, ["audit", "lookup", .. range, "--user", fixture.UserArn, "--error-code", "AccessDenied"]);
        var few = await cli.RunAsync(CofferCli.Root, ["audit", "lookup", .. range, "--max", "2", "--json"]);
        var bad = await cli.RunAsync(CofferCli.Root, ["audit", "lookup", "--from", "last tuesday"]);

        Assert.True(json.ExitCode == 0, json.ToString());
        var keys = JsonDocument.Parse(json.StandardOutput).RootElement.EnumerateArray().Select(r => r.GetProperty("requestParameters").GetProperty("key").GetString()).Order();
        Assert.Equal(["reports/2026/a.csv", "reports/2026/a.csv", "reports/2026/b.csv", "reports/2026/by-user.csv"], keys);
        Assert.True(denied.ExitCode == 0, denied.ToString());
        var lines = denied.StandardOutput.Trim().Split('\n');
        Assert.StartsWith("TIME", lines[0], StringComparison.Ordinal);
        Assert.Contains("s3:GetObject", Assert.Single(lines[1..]), StringComparison.Ordinal);
        Assert.Contains("AccessDenied", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, JsonDocument.Parse(few.StandardOutput).RootElement.GetArrayLength());
        Assert.Equal(2, bad.ExitCode);
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static Dictionary<string, object> Aws(string key, string value) => new() { ["LookupAttributes"] = Attribute(key, value) };

    private static Dictionary<string, object> Coffer(params (string Key, string Value)[] attributes) =>
        new() { ["CofferLookupAttributes"] = attributes.Select(a => new { AttributeKey = a.Key, AttributeValue = a.Value }).ToArray() };

    private static Dictionary<string, object> Merge(Dictionary<string, object> a, Dictionary<string, object> b) => a.Concat(b).ToDictionary();

    private static object[] Attribute(string key, string value) => [new { AttributeKey = key, AttributeValue = value }];

    private static string Id(JsonElement e) => e.GetProperty("EventId").GetString()!;

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static List<(string Type, string Name)> Resources(JsonElement e) =>
        e.GetProperty("Resources").EnumerateArray().Select(r => (r.GetProperty("ResourceType").GetString()!, r.GetProperty("ResourceName").GetString()!)).ToList();

    /// <summary>A string member of the event's CloudTrail record, by path.</summary>
    private static string? Record(JsonElement e, params string[] path)
    {
        using var document = JsonDocument.Parse(e.GetProperty("CloudTrailEvent").GetString()!);
        var node = document.RootElement;
        foreach (var name in path)
        {
            if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(name, out node))
            {
                return null;
            }
        }

        return node.ValueKind == JsonValueKind.String ? node.GetString() : null;
    }
}
