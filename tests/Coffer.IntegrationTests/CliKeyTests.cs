using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// <c>coffer key</c> run as a process against one server: keys created into CSV files and used
/// by boto3 and the aws cli, listed, switched off and on, rotated at once and with a grace period
/// that the server enforces by itself, and audited. Each test has its own users, allowed S3 on
/// the shared bucket.
/// </summary>
public sealed class CliKeyTests(SharedServerFixture fixture) : SharedServerCliTests(fixture, "coffer-keys-"), IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Create_WithCsv_WritesAnOwnerOnlyFileWhoseKeyWorksWithBoto3()
    {
        await CreateUserAsync("csv-user");
        var csv = Path.Combine(Work, "csv-user.csv");

        var created = await KeyAsync("create", "--user", "csv-user", "--csv", csv);

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(IsOwnerOnly(csv));
        var lines = await File.ReadAllLinesAsync(csv);
        Assert.Equal("Access key ID,Secret access key,User Name,Endpoint", lines[0]);
        var key = ReadCsv(csv);
        Assert.Equal(["csv-user", Fixture.Server.Endpoint.AbsoluteUri], lines[1].Split(',')[2..]);
        Assert.Contains(key.Id, created.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(key.Secret, created.StandardOutput + created.StandardError, StringComparison.Ordinal);
        Assert.Equal("hello from boto3", await Boto3PutGetAsync(key, "csv-user/hello.txt", "hello from boto3"));

        var again = await KeyAsync("create", "--user", "csv-user", "--csv", csv);
        Assert.True(again.ExitCode == 2, again.ToString());
        Assert.Contains("pass --force to replace it", again.StandardError, StringComparison.Ordinal);
        Assert.Equal(key, ReadCsv(csv));
        Assert.Single(await ListKeysAsync("csv-user"));

        var forced = await KeyAsync("create", "--user", "csv-user", "--csv", csv, "--force");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        var replacement = ReadCsv(csv);
        Assert.NotEqual(key.Id, replacement.Id);
        Assert.True(IsOwnerOnly(csv));
        Assert.Equal("ok", await S3Async(replacement));
    }

    [Fact]
    public async Task Create_WithoutCsv_ShowsTheSecretOnce()
    {
        await CreateUserAsync("print-user");

        var table = await KeyAsync("create", "--user", "print-user");
        var json = await KeyAsync("create", "--user", "print-user", "--json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.StartsWith("USER", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("SECRET ACCESS KEY", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("cannot be shown again", table.StandardError, StringComparison.Ordinal);
        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.StandardOutput);
        var key = new CliCredentials(Property(document, "accessKeyId"), Property(document, "secretAccessKey"), null);
        Assert.Equal("print-user", Property(document, "user"));
        Assert.Equal("ok", await S3Async(key));
    }

    [Fact]
    public async Task Create_CsvInAMissingDirectory_IsAUsageErrorAndCreatesNoKey()
    {
        await CreateUserAsync("no-dir-user");

        var result = await KeyAsync("create", "--user", "no-dir-user", "--csv", Path.Combine(Work, "missing", "key.csv"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("no such directory", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(await ListKeysAsync("no-dir-user"));
    }

    [Fact]
    public async Task ListDeactivateActivateDelete_FindTheUserWhenNotGiven()
    {
        await CreateUserAsync("switch-user");
        var key = await CreateKeyAsync("switch-user");
        Assert.Equal("ok", await S3Async(key));

        var listed = await ListJsonAsync("--user", "switch-user");
        var entry = Assert.Single(listed);
        Assert.Equal(key.Id, entry.GetProperty("accessKeyId").GetString());
        Assert.Equal("Active", entry.GetProperty("status").GetString());
        Assert.Equal("s3", entry.GetProperty("lastUsedService").GetString());
        Assert.Contains(await ListJsonAsync(), k => k.GetProperty("accessKeyId").GetString() == key.Id && k.GetProperty("user").GetString() == "switch-user");

        var deactivated = await KeyAsync("deactivate", key.Id);
        Assert.True(deactivated.ExitCode == 0, deactivated.ToString());
        Assert.Contains($"deactivated access key {key.Id} of switch-user", deactivated.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("Inactive", Assert.Single(await ListJsonAsync("--user", "switch-user")).GetProperty("status").GetString());
        Assert.Equal("InvalidAccessKeyId", await S3Async(key));

        var activated = await KeyAsync("activate", key.Id, "--user", "switch-user");
        Assert.True(activated.ExitCode == 0, activated.ToString());
        Assert.Equal("ok", await S3Async(key));

        var table = await KeyAsync("list", "--user", "switch-user");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.StartsWith("USER", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("LAST USED", table.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(" s3", table.StandardOutput, StringComparison.Ordinal);

        var deleted = await KeyAsync("delete", key.Id);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Empty(await ListJsonAsync("--user", "switch-user"));
        Assert.Equal("InvalidAccessKeyId", await S3Async(key));
    }

    [Fact]
    public async Task Rotate_AtOnce_NewKeyWorksWithTheAwsCli_OldKeyIsRefused_FinishDeletesIt()
    {
        await CreateUserAsync("rotate-now");
        var old = await CreateKeyAsync("rotate-now");
        var csv = Path.Combine(Work, "rotate-now.csv");

        var rotated = await KeyAsync("rotate", "--user", "rotate-now", "--csv", csv);

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.Contains($"deactivated access key {old.Id}", rotated.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("coffer key rotate --user rotate-now --finish", rotated.StandardOutput, StringComparison.Ordinal);
        var current = ReadCsv(csv);
        var works = await AwsCliListAsync(current);
        Assert.True(works.ExitCode == 0, works.ToString());
        var refused = await AwsCliListAsync(old);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("InvalidAccessKeyId", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(["Inactive", "Active"], (await ListKeysAsync("rotate-now")).Select(k => k.Status));

        var finished = await KeyAsync("rotate", "--user", "rotate-now", "--finish");

        Assert.True(finished.ExitCode == 0, finished.ToString());
        Assert.Contains($"deleted access key {old.Id} of rotate-now (replaced by {current.Id})", finished.StandardOutput, StringComparison.Ordinal);
        Assert.Equal([current.Id], (await ListKeysAsync("rotate-now")).Select(k => k.Id));
        Assert.DoesNotContain(await ListTagKeysAsync("rotate-now"), k => k.StartsWith("coffer:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rotate_WithGrace_BothKeysWorkUntilTheServerDeactivatesTheOldOne()
    {
        await CreateUserAsync("rotate-grace");
        var old = await CreateKeyAsync("rotate-grace");
        var csv = Path.Combine(Work, "rotate-grace.csv");

        var rotated = await KeyAsync("rotate", "--user", "rotate-grace", "--csv", csv, "--grace", "3s", "--json");

        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        using var json = JsonDocument.Parse(rotated.StandardOutput);
        var deadline = DateTimeOffset.Parse(Property(json, "deactivatesAt"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(old.Id, Property(json, "replaced"));
        var current = ReadCsv(csv);
        Assert.Equal(current.Id, Property(json, "accessKeyId"));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("secretAccessKey").ValueKind);
        Assert.Equal([$"coffer:deactivate-key/{old.Id}"], await ListTagKeysAsync("rotate-grace"));
        Assert.True(DateTimeOffset.UtcNow < deadline, "the grace period ran out before the keys could be tried");
        Assert.Equal("ok", await S3Async(old));
        Assert.Equal("ok", await S3Async(current));

        await Task.Delay(deadline - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));

        Assert.Equal("InvalidAccessKeyId", await S3Async(old));
        Assert.Equal("rotated", await Boto3PutGetAsync(current, "rotate-grace/after.txt", "rotated"));
        Assert.Equal(["Inactive", "Active"], (await ListKeysAsync("rotate-grace")).Select(k => k.Status));
        var refusedByBoto3 = await Boto3PutGetAsync(old, "rotate-grace/old.txt", "old");
        Assert.Equal("InvalidAccessKeyId", refusedByBoto3);

        var finished = await KeyAsync("rotate", "--user", "rotate-grace", "--finish", "--json");

        Assert.True(finished.ExitCode == 0, finished.ToString());
        using var finishedJson = JsonDocument.Parse(finished.StandardOutput);
        Assert.Equal([old.Id], finishedJson.RootElement.GetProperty("deleted").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal([current.Id], (await ListKeysAsync("rotate-grace")).Select(k => k.Id));
        Assert.Empty(await ListTagKeysAsync("rotate-grace"));
    }

    [Fact]
    public async Task Rotate_WhenTheUserHasTwoKeys_RefusesAndSaysWhatToRun()
    {
        await CreateUserAsync("two-keys");
        var first = await CreateKeyAsync("two-keys");
        var second = await CreateKeyAsync("two-keys");

        var refused = await KeyAsync("rotate", "--user", "two-keys");

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("error: LimitExceeded: two-keys already has two access keys", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains(first.Id, refused.StandardError, StringComparison.Ordinal);
        Assert.Contains(second.Id, refused.StandardError, StringComparison.Ordinal);
        Assert.Contains($"coffer key delete {first.Id}", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal(2, (await ListKeysAsync("two-keys")).Count);
    }

    [Fact]
    public async Task Rotate_WhileARotationIsPending_RefusesUntilFinished_WhichDeletesTheOldKeyAtOnce()
    {
        await CreateUserAsync("pending");
        var old = await CreateKeyAsync("pending");
        var rotated = await KeyAsync("rotate", "--user", "pending", "--grace", "1h", "--json");
        Assert.True(rotated.ExitCode == 0, rotated.ToString());

        var again = await KeyAsync("rotate", "--user", "pending", "--grace", "1h");

        Assert.True(again.ExitCode == 1, again.ToString());
        Assert.Contains("a rotation is pending", again.StandardError, StringComparison.Ordinal);
        Assert.Contains("coffer key rotate --user pending --finish", again.StandardError, StringComparison.Ordinal);
        Assert.Equal("ok", await S3Async(old));

        var finished = await KeyAsync("rotate", "--user", "pending", "--finish");

        Assert.True(finished.ExitCode == 0, finished.ToString());
        Assert.Equal("InvalidAccessKeyId", await S3Async(old));
        Assert.Single(await ListKeysAsync("pending"));
    }

    [Fact]
    public async Task Finish_WithNothingPending_SaysSoAndKeepsTheOnlyKey()
    {
        await CreateUserAsync("nothing-pending");
        var key = await CreateKeyAsync("nothing-pending");

        var finished = await KeyAsync("rotate", "--user", "nothing-pending", "--finish");

        Assert.True(finished.ExitCode == 0, finished.ToString());
        Assert.Contains("nothing to finish", finished.StandardOutput, StringComparison.Ordinal);
        Assert.Equal([key.Id], (await ListKeysAsync("nothing-pending")).Select(k => k.Id));
    }

    [Fact]
    public async Task Finish_NeverDeletesTheNewestKey_EvenWhenItIsScheduled()
    {
        await CreateUserAsync("lone-key");
        var key = await CreateKeyAsync("lone-key");
        await Iam.CallAsync("TagUser", ("UserName", "lone-key"), ("Tags.member.1.Key", $"coffer:deactivate-key/{key.Id}"), ("Tags.member.1.Value", "2099-01-01T00:00:00Z"));

        var finished = await KeyAsync("rotate", "--user", "lone-key", "--finish");

        Assert.True(finished.ExitCode == 1, finished.ToString());
        Assert.Contains($"not deleting {key.Id}", finished.StandardError, StringComparison.Ordinal);
        Assert.Contains($"coffer key activate {key.Id}", finished.StandardError, StringComparison.Ordinal);
        Assert.Equal([key.Id], (await ListKeysAsync("lone-key")).Select(k => k.Id));
    }

    [Fact]
    public async Task Audit_FlagsOldAndUnusedKeys_WithTheReason()
    {
        await CreateUserAsync("audit-old");
        await CreateUserAsync("audit-used");
        await CreateUserAsync("audit-fresh");
        var old = await CreateKeyAsync("audit-old");
        var used = await CreateKeyAsync("audit-used");
        await Task.Delay(TimeSpan.FromSeconds(8));
        var fresh = await CreateKeyAsync("audit-fresh");
        Assert.Equal("ok", await S3Async(used));

        var audit = await KeyAsync("audit", "--max-age", "6s", "--unused", "6s", "--json");
        var quiet = await KeyAsync("audit");

        Assert.True(audit.ExitCode == 0, audit.ToString());
        using var json = JsonDocument.Parse(audit.StandardOutput);
        var reasons = json.RootElement.EnumerateArray().ToDictionary(
            e => e.GetProperty("accessKeyId").GetString()!,
            e => e.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()!).ToList());
        Assert.Equal(2, reasons[old.Id].Count);
        Assert.Equal("older than 6s", reasons[old.Id][0]);
        Assert.StartsWith("never used (created ", reasons[old.Id][1], StringComparison.Ordinal);
        Assert.Equal(["older than 6s"], reasons[used.Id]);
        Assert.False(reasons.ContainsKey(fresh.Id));
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.Contains("no access key is older than 90d or unused for 30d", quiet.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownKey_ExitsOneWithNoSuchEntityAndWhereToLook()
    {
        await CreateUserAsync("unknown-key");

        var withoutUser = await KeyAsync("deactivate", "AKIANOSUCHKEY0000000");
        var withUser = await KeyAsync("delete", "AKIANOSUCHKEY0000000", "--user", "unknown-key");

        foreach (var result in new[] { withoutUser, withUser })
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Contains("error: NoSuchEntity:", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("AKIANOSUCHKEY0000000", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("(`coffer key list` shows every user's keys)", result.StandardError, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("create")]
    [InlineData("create", "--user", "u", "--force")]
    [InlineData("list", "extra")]
    [InlineData("deactivate")]
    [InlineData("activate", "AKIAONE0000000000000", "AKIATWO0000000000000")]
    [InlineData("rotate")]
    [InlineData("rotate", "--user", "u", "--grace", "garbage")]
    [InlineData("rotate", "--user", "u", "--grace", "-1h")]
    [InlineData("rotate", "--user", "u", "--grace", "91d")]
    [InlineData("rotate", "--user", "u", "--finish", "--grace", "1h")]
    [InlineData("audit", "--max-age", "soon")]
    [InlineData("audit", "--unused", "0")]
    public async Task UsageErrors_ExitTwoWithTheSubCommandsUsage(params string[] args)
    {
        var result = await KeyAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"usage: coffer key {args[0]}", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("frobnicate")]
    public async Task NoOrUnknownSubCommand_ExitsTwoWithTheGroupUsage(params string[] args)
    {
        var result = await KeyAsync(args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("usage: coffer key <sub-command>", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("create")]
    [InlineData("list")]
    [InlineData("deactivate")]
    [InlineData("activate")]
    [InlineData("delete")]
    [InlineData("rotate")]
    [InlineData("audit")]
    public async Task Help_PrintsTheUsageWithAnExample(string command)
    {
        var result = await Cli.RunWithAsync(new Dictionary<string, string?>(), null, "key", command, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"usage: coffer key {command}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("example", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--endpoint URL", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_OfTheGroup_NamesEverySubCommandWithAnExample()
    {
        var result = await Cli.RunWithAsync(new Dictionary<string, string?>(), null, "key", "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("usage: coffer key", result.StandardOutput, StringComparison.Ordinal);
        Assert.All(["create", "list", "deactivate", "activate", "delete", "rotate", "audit"], c => Assert.Contains($"\n  {c}", result.StandardOutput, StringComparison.Ordinal));
        Assert.Contains("example", result.StandardOutput, StringComparison.Ordinal);
    }

    private Task<ExternalProcess.Result> KeyAsync(params string[] args) => Cli.RunAsync(CofferCli.Root, ["key", .. args]);

    /// <summary>A user whose inline policy allows S3 on the shared bucket, under its own folder's name.</summary>
    private async Task CreateUserAsync(string name)
    {
        await Iam.CallAsync("CreateUser", ("UserName", name));
        await Iam.CallAsync("PutUserPolicy", ("UserName", name), ("PolicyName", "bucket"), ("PolicyDocument", $$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::{{Bucket}}", "arn:aws:s3:::{{Bucket}}/*"]}]}
            """));
    }

    private async Task<CliCredentials> CreateKeyAsync(string user)
    {
        var result = await KeyAsync("create", "--user", user, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        return new CliCredentials(Property(json, "accessKeyId"), Property(json, "secretAccessKey"), null);
    }

    private async Task<List<JsonElement>> ListJsonAsync(params string[] args)
    {
        var result = await KeyAsync(["list", .. args, "--json"]);
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        return [.. json.RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>The user's keys as the server's ListAccessKeys reports them, oldest first.</summary>
    private async Task<List<(string Id, string Status)>> ListKeysAsync(string user)
    {
        var answer = await Iam.CallAsync("ListAccessKeys", ("UserName", user));
        return [.. answer.Descendants().Where(e => e.Name.LocalName == "member").Select(m => (Child(m, "AccessKeyId"), Child(m, "Status")))];
    }

    private async Task<List<string>> ListTagKeysAsync(string user)
    {
        var answer = await Iam.CallAsync("ListUserTags", ("UserName", user));
        return [.. answer.Descendants().Where(e => e.Name.LocalName == "member").Select(m => Child(m, "Key"))];
    }

    /// <summary>"ok" when the key may list the bucket with the .NET SDK, else S3's error code.</summary>
    private async Task<string> S3Async(CliCredentials key)
    {
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(key.Id, key.Secret), new AmazonS3Config
        {
            ServiceURL = Fixture.Server.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });
        try
        {
            await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, MaxKeys = 1 });
            return "ok";
        }
        catch (AmazonS3Exception e)
        {
            return e.ErrorCode;
        }
    }

    /// <summary>boto3 puts then gets an object with the key: the object's text, or S3's error code.</summary>
    private async Task<string> Boto3PutGetAsync(CliCredentials key, string objectKey, string text)
    {
        const string Script = """
            import sys, boto3, botocore.config, botocore.exceptions
            endpoint, bucket, key, text = sys.argv[1:5]
            s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                              config=botocore.config.Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
            try:
                s3.put_object(Bucket=bucket, Key=key, Body=text.encode())
                print(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode())
            except botocore.exceptions.ClientError as e:
                print(e.response["Error"]["Code"])
            """;
        var result = await ExternalProcess.RunAsync("python3", ["-c", Script, Fixture.Server.Endpoint.ToString(), Bucket, objectKey, text], AwsEnvironment(key), TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput.Trim();
    }

    private Task<ExternalProcess.Result> AwsCliListAsync(CliCredentials key) =>
        ExternalProcess.RunAsync("aws", ["--endpoint-url", Fixture.Server.Endpoint.ToString(), "s3api", "list-objects-v2", "--bucket", Bucket], AwsEnvironment(key), TimeSpan.FromMinutes(1));

    /// <summary>The key, and nothing of this machine's own AWS set-up.</summary>
    private Dictionary<string, string?> AwsEnvironment(CliCredentials key) => AwsCliEnvironment.For(key, Work);

    /// <summary>The access key of a credentials CSV as the CLI wrote it.</summary>
    private static CliCredentials ReadCsv(string path)
    {
        var fields = File.ReadAllLines(path)[1].Split(',');
        return new CliCredentials(fields[0], fields[1], null);
    }

    private static bool IsOwnerOnly(string path) =>
        OperatingSystem.IsWindows() || File.GetUnixFileMode(path) == (UnixFileMode.UserRead | UnixFileMode.UserWrite);

    private static string Property(JsonDocument json, string name) => json.RootElement.GetProperty(name).GetString()!;

    private static string Child(XElement element, string name) => element.Elements().First(e => e.Name.LocalName == name).Value;
}
