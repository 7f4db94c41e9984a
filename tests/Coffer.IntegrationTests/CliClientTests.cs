using System.Net;
using System.Text;
using System.Text.Json;
using System.Web;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// The client commands of the <c>coffer</c> executable (explain, assume-role, presign) run as
/// processes against a real server, with a user, two roles and policies set up as root.
/// </summary>
public sealed class CliClientTests : IAsyncLifetime
{
    private const string Bucket = "cli-photos";

    // Line numbers below are asserted: keep the layout.
    private const string ReadPolicy = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "ReadPhotos",
              "Effect": "Allow",
              "Action": "s3:GetObject",
              "Resource": "arn:aws:s3:::cli-photos/*"
            },
            {
              "Sid": "ListOwnFolder",
              "Effect": "Allow",
              "Action": "s3:ListBucket",
              "Resource": "arn:aws:s3:::cli-photos",
              "Condition": { "StringLike": { "s3:prefix": "${aws:username}/*" } }
            },
            {
              "Effect": "Allow",
              "Action": "sts:AssumeRole",
              "Resource": "*"
            }
          ]
        }
        """;

    private const string DenySecretsPolicy = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "NoSecrets",
              "Effect": "Deny",
              "Action": "s3:*",
              "Resource": "arn:aws:s3:::cli-photos/secret/*"
            }
          ]
        }
        """;

    private CofferServer _server = null!;
    private QueryApiClient _iam = null!;
    private string _account = null!;
    private CliCredentials _alice = null!;
    private CofferCli _cli = null!;

    public async Task InitializeAsync()
    {
        // One-second sessions let a test watch temporary credentials expire.
        _server = await CofferServer.StartAsync(environment: new Dictionary<string, string> { ["COFFER_STS_MINIMUM_DURATION_SECONDS"] = "1" });
        _cli = new CofferCli(_server);
        _iam = new QueryApiClient(_server.Endpoint, "iam");
        using (var s3 = SdkClients.Create(_server))
        {
            await s3.PutBucketAsync(Bucket);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "shared/hello.txt", ContentBody = "hello" });
        }

        var user = await _iam.CallAsync("CreateUser", ("UserName", "alice"));
        _account = QueryApiClient.Value(user, "Arn").Split(':')[4];
        await _iam.CallAsync("PutUserPolicy", ("UserName", "alice"), ("PolicyName", "read-photos"), ("PolicyDocument", ReadPolicy));
        var denyPolicy = await _iam.CallAsync("CreatePolicy", ("PolicyName", "no-secrets"), ("PolicyDocument", DenySecretsPolicy));
        await _iam.CallAsync("AttachUserPolicy", ("UserName", "alice"), ("PolicyArn", QueryApiClient.Value(denyPolicy, "Arn")));
        var key = await _iam.CallAsync("CreateAccessKey", ("UserName", "alice"));
        _alice = new CliCredentials(QueryApiClient.Value(key, "AccessKeyId"), QueryApiClient.Value(key, "SecretAccessKey"), null);

        await CreateRoleAsync("Uploader", "s3:PutObject");
        await CreateRoleAsync("Viewer", "s3:GetObject");
    }

    public async Task DisposeAsync()
    {
        _iam.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Explain_Allowed_NamesTheAllowingStatement()
    {
        var result = await CofferAsync(Root, "explain", "--user", "alice", "--action", "s3:GetObject", "--resource", $"arn:aws:s3:::{Bucket}/shared/hello.txt", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal("allowed", json.RootElement.GetProperty("decision").GetString());
        var statement = Assert.Single(json.RootElement.GetProperty("matchedStatements").EnumerateArray().ToList());
        Assert.Equal("read-photos", statement.GetProperty("sourcePolicyId").GetString());
        Assert.Equal("user", statement.GetProperty("sourcePolicyType").GetString());
        Assert.Equal(4, statement.GetProperty("startLine").GetInt32());
        Assert.Equal(9, statement.GetProperty("endLine").GetInt32());

        var human = await CofferAsync(Root, "explain", "--user", "alice", "--action", "s3:GetObject", "--resource", $"arn:aws:s3:::{Bucket}/shared/hello.txt");
        Assert.True(human.ExitCode == 0, human.ToString());
        Assert.StartsWith("allowed: alice s3:GetObject", human.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("policy read-photos (user), statement at line 4 column", human.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ExplicitDeny_NamesTheDenyStatement()
    {
        var result = await CofferAsync(Root, "explain", "--user", "alice", "--action", "s3:GetObject", "--resource", $"arn:aws:s3:::{Bucket}/secret/plans.txt");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"explicit deny: alice s3:GetObject arn:aws:s3:::{Bucket}/secret/plans.txt", lines[0]);
        var decidedBy = Assert.Single(lines, l => l.StartsWith("decided by", StringComparison.Ordinal));
        Assert.StartsWith("decided by policy no-secrets (", decidedBy, StringComparison.Ordinal);
        Assert.Contains("statement at line 4 column", decidedBy, StringComparison.Ordinal);
        Assert.Contains("to line 9 column", decidedBy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explain_ImplicitDeny_SaysNoStatementMatched()
    {
        var result = await CofferAsync(Root, "explain", "--user", "alice", "--action", "s3:DeleteObject", "--resource", $"arn:aws:s3:::{Bucket}/shared/hello.txt");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(
            [$"implicit deny: alice s3:DeleteObject arn:aws:s3:::{Bucket}/shared/hello.txt", "no statement matched"],
            result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task Explain_Context_IsPassedWithTheUserNameAdded()
    {
        string[] listing = ["explain", "--user", "alice", "--action", "s3:ListBucket", "--resource", $"arn:aws:s3:::{Bucket}", "--json"];

        var own = await CofferAsync(Root, [.. listing, "--context", "s3:prefix=alice/photos"]);
        var other = await CofferAsync(Root, [.. listing, "--context", "s3:prefix=bob/photos"]);
        var asBob = await CofferAsync(Root, [.. listing, "--context", "s3:prefix=bob/photos", "--context", "aws:username=bob"]);

        Assert.Equal("allowed", Decision(own));
        Assert.Equal("implicitDeny", Decision(other));
        Assert.Equal("allowed", Decision(asBob));
    }

    [Fact]
    public async Task AssumeRole_Exports_WorkWithTheSdkWithinTheRole()
    {
        var result = await CofferAsync(_alice, "assume-role", "Uploader", "--session-name", "cli-test");

        Assert.True(result.ExitCode == 0, result.ToString());
        var exports = ParseExports(result.StandardOutput);
        Assert.StartsWith("ASIA", exports["AWS_ACCESS_KEY_ID"], StringComparison.Ordinal);
        using var s3 = S3Client(new SessionAWSCredentials(exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"], exports["AWS_SESSION_TOKEN"]));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "incoming/from-exports.txt", ContentBody = "uploaded" });
        var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectAsync(Bucket, "shared/hello.txt"));
        Assert.Equal("AccessDenied", denied.ErrorCode);

        // The exports drive the CLI again: the session may not assume another role (Viewer trusts alice only).
        var chained = await CofferAsync(
            new CliCredentials(exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"], exports["AWS_SESSION_TOKEN"]),
            "assume-role",
            $"arn:aws:iam::{_account}:role/Viewer");
        Assert.Equal(1, chained.ExitCode);
        Assert.Contains("error: AccessDenied:", chained.StandardError, StringComparison.Ordinal);
        Assert.Contains("the credentials' policies do not allow this", chained.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssumeRole_Json_HasTheCredentialsAndTheirExpiration()
    {
        var result = await CofferAsync(_alice, "assume-role", "Viewer", "--duration", "30m", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("Version").GetInt32());
        var expiration = root.GetProperty("Expiration").GetDateTimeOffset();
        Assert.InRange(expiration, DateTimeOffset.UtcNow.AddMinutes(29), DateTimeOffset.UtcNow.AddMinutes(31));
        using var s3 = S3Client(new SessionAWSCredentials(
            root.GetProperty("AccessKeyId").GetString(),
            root.GetProperty("SecretAccessKey").GetString(),
            root.GetProperty("SessionToken").GetString()));
        using var get = await s3.GetObjectAsync(Bucket, "shared/hello.txt");
        using var reader = new StreamReader(get.ResponseStream);
        Assert.Equal("hello", await reader.ReadToEndAsync());
    }

    [Fact]
    public async Task AssumeRole_ExpiredExports_FailWithTheExpiredTokenHint()
    {
        var result = await CofferAsync(_alice, "assume-role", "Viewer", "--duration", "1s");
        Assert.True(result.ExitCode == 0, result.ToString());
        var exports = ParseExports(result.StandardOutput);
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var expired = await CofferAsync(new CliCredentials(exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"], exports["AWS_SESSION_TOKEN"]), "assume-role", "Viewer");

        Assert.Equal(1, expired.ExitCode);
        Assert.Contains("error: ExpiredToken:", expired.StandardError, StringComparison.Ordinal);
        Assert.Contains("the temporary credentials have expired; assume the role again", expired.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Presign_UploaderRole_CanPutButNotGet_ViewerRoleCanGet()
    {
        using var http = new HttpClient();
        var put = await PresignAsync(_alice, "put", $"s3://{Bucket}/incoming/report.txt", "--role", "Uploader");
        using (var response = await http.PutAsync(put, new StringContent("quarterly report")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.NotNull(HttpUtility.ParseQueryString(put.Query)["X-Amz-Security-Token"]);
        var uploaderGet = await PresignAsync(_alice, "get", $"s3://{Bucket}/incoming/report.txt", "--role", "Uploader");
        using (var response = await http.GetAsync(uploaderGet))
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("<Code>AccessDenied</Code>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var viewerGet = await PresignAsync(_alice, "get", $"s3://{Bucket}/incoming/report.txt", "--role", "Viewer", "--expires", "5m");
        Assert.Equal("300", HttpUtility.ParseQueryString(viewerGet.Query)["X-Amz-Expires"]);
        Assert.Equal("quarterly report", await http.GetStringAsync(viewerGet));
    }

    [Fact]
    public async Task Presign_WithoutRole_SignsWithTheCallersKey()
    {
        using var http = new HttpClient();

        var url = await PresignAsync(_alice, "get", $"s3://{Bucket}/shared/hello.txt");

        Assert.StartsWith(_alice.Id + "/", HttpUtility.ParseQueryString(url.Query)["X-Amz-Credential"], StringComparison.Ordinal);
        Assert.Equal("900", HttpUtility.ParseQueryString(url.Query)["X-Amz-Expires"]);
        Assert.Equal("hello", await http.GetStringAsync(url));
    }

    [Fact]
    public async Task Presign_KeyWithSpacesAndUnicode_IsSignedAsItIsSent()
    {
        using var http = new HttpClient();
        const string Key = "incoming/a b+c/ünïcode & more.txt";

        var put = await PresignAsync(_alice, "put", $"s3://{Bucket}/{Key}", "--role", "Uploader");
        using (var response = await http.PutAsync(put, new StringContent("odd name")))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("odd name", await http.GetStringAsync(await PresignAsync(_alice, "get", $"s3://{Bucket}/{Key}", "--role", "Viewer")));
    }

    [Fact]
    public async Task Presign_WithTemporaryCredentialsFromTheEnvironment_CarriesTheirToken()
    {
        var assumed = await CofferAsync(_alice, "assume-role", "Viewer");
        Assert.True(assumed.ExitCode == 0, assumed.ToString());
        var exports = ParseExports(assumed.StandardOutput);

        var url = await PresignAsync(new CliCredentials(exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"], exports["AWS_SESSION_TOKEN"]), "get", $"s3://{Bucket}/shared/hello.txt");

        Assert.Equal(exports["AWS_SESSION_TOKEN"], HttpUtility.ParseQueryString(url.Query)["X-Amz-Security-Token"]);
        using var http = new HttpClient();
        Assert.Equal("hello", await http.GetStringAsync(url));
    }

    [Fact]
    public async Task Presign_LongerThanTheRolesCredentials_IsClampedAndSaysSo()
    {
        var result = await CofferAsync(_alice, "presign", "get", $"s3://{Bucket}/shared/hello.txt", "--role", "Viewer", "--expires", "3h");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("rather than 3h", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("cannot outlive Viewer's credentials", result.StandardError, StringComparison.Ordinal);
        var expires = int.Parse(HttpUtility.ParseQueryString(new Uri(result.StandardOutput.Trim()).Query)["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, 3500, 3600);
        using var http = new HttpClient();
        Assert.Equal("hello", await http.GetStringAsync(new Uri(result.StandardOutput.Trim())));
    }

    [Fact]
    public async Task Credentials_FromAProfileOfTheSharedFile()
    {
        var file = Path.Combine(_server.DataDirectory, "aws-credentials");
        await File.WriteAllTextAsync(file, $"""
            [default]
            aws_access_key_id = AKIANOTTHEONE0000000
            aws_secret_access_key = wrong

            # alice's key
            [alice]
            aws_access_key_id = {_alice.Id}
            aws_secret_access_key = {_alice.Secret}
            """);
        var environment = new Dictionary<string, string?>
        {
            ["AWS_ACCESS_KEY_ID"] = null,
            ["AWS_SECRET_ACCESS_KEY"] = null,
            ["AWS_SHARED_CREDENTIALS_FILE"] = file,
            ["AWS_PROFILE"] = "alice",
        };

        var viaEnvironment = await RunAsync(environment, "assume-role", "Viewer", "--json");
        environment["AWS_PROFILE"] = null;
        var viaOption = await RunAsync(environment, "assume-role", "Viewer", "--json", "--profile", "alice");
        var viaDefault = await RunAsync(environment, "assume-role", "Viewer", "--json");

        Assert.True(viaEnvironment.ExitCode == 0, viaEnvironment.ToString());
        Assert.True(viaOption.ExitCode == 0, viaOption.ToString());
        Assert.Equal(1, viaDefault.ExitCode);
        Assert.Contains("error: InvalidClientTokenId:", viaDefault.StandardError, StringComparison.Ordinal);
        Assert.Contains("is the key deactivated or deleted?", viaDefault.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadCredentials_ExitOneWithTheCodeAndAHint()
    {
        string[] explain = ["explain", "--user", "alice", "--action", "s3:GetObject", "--resource", "*"];

        var wrongSecret = await CofferAsync(Root with { Secret = "not-the-secret" }, explain);
        var unknownKey = await CofferAsync(new CliCredentials("AKIAUNKNOWNKEY000000", "whatever", null), explain);
        var notAllowed = await CofferAsync(_alice, explain);
        var noSuchUser = await CofferAsync(Root, "explain", "--user", "nobody", "--action", "s3:GetObject", "--resource", "*");
        var noServer = await RunAsync(new(CofferCli.Environment(Root)) { ["COFFER_ENDPOINT"] = "http://127.0.0.1:1/" }, explain);
        var noCredentials = await RunAsync(new Dictionary<string, string?>(), explain);

        Assert.Equal(1, wrongSecret.ExitCode);
        Assert.Contains("error: SignatureDoesNotMatch:", wrongSecret.StandardError, StringComparison.Ordinal);
        Assert.Contains("(check the secret key)", wrongSecret.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret", wrongSecret.StandardError + wrongSecret.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, unknownKey.ExitCode);
        Assert.Contains("(is the key deactivated or deleted?)", unknownKey.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, notAllowed.ExitCode);
        Assert.Contains("error: AccessDenied:", notAllowed.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, noSuchUser.ExitCode);
        Assert.Contains("error: NoSuchEntity: The user with name nobody cannot be found.", noSuchUser.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, noServer.ExitCode);
        Assert.Contains("is the server running at http://127.0.0.1:1/?", noServer.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, noCredentials.ExitCode);
        Assert.Contains("error: NoCredentials: no credentials: set AWS_ACCESS_KEY_ID", noCredentials.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeactivatedKey_ExitsOneWithTheHint()
    {
        await _iam.CallAsync("CreateUser", ("UserName", "leaver"));
        await _iam.CallAsync("PutUserPolicy", ("UserName", "leaver"), ("PolicyName", "assume"), ("PolicyDocument", ReadPolicy));
        var key = await _iam.CallAsync("CreateAccessKey", ("UserName", "leaver"));
        var leaver = new CliCredentials(QueryApiClient.Value(key, "AccessKeyId"), QueryApiClient.Value(key, "SecretAccessKey"), null);
        var before = await CofferAsync(leaver, "assume-role", "Viewer");

        await _iam.CallAsync("UpdateAccessKey", ("UserName", "leaver"), ("AccessKeyId", leaver.Id), ("Status", "Inactive"));
        var after = await CofferAsync(leaver, "assume-role", "Viewer");

        // The trust policy names alice only: the active key gets as far as authorization.
        Assert.Contains("error: AccessDenied:", before.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, after.ExitCode);
        Assert.Contains("error: InvalidClientTokenId:", after.StandardError, StringComparison.Ordinal);
        Assert.Contains("(is the key deactivated or deleted?)", after.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("explain", "--action", "s3:GetObject", "--resource", "*")]
    [InlineData("explain", "--user", "alice", "--action", "s3:GetObject", "--resource", "*", "--context", "novalue")]
    [InlineData("explain", "--user", "alice", "--user", "bob", "--action", "s3:GetObject", "--resource", "*")]
    [InlineData("assume-role")]
    [InlineData("assume-role", "Viewer", "--duration", "soon")]
    [InlineData("assume-role", "Viewer", "--frobnicate")]
    [InlineData("presign", "get", "cli-photos/key")]
    [InlineData("presign", "delete", "s3://cli-photos/key")]
    [InlineData("presign", "get", "s3://cli-photos/key", "--expires", "8d")]
    [InlineData("presign", "get", "s3://cli-photos/key", "--expires")]
    [InlineData("presign", "get", "s3://cli-photos/key", "--endpoint", "ftp://example.com")]
    public async Task UsageErrors_ExitTwoWithTheUsage(params string[] args)
    {
        var result = await CofferAsync(Root, args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"usage: coffer {args[0]}", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("explain")]
    [InlineData("assume-role")]
    [InlineData("presign")]
    public async Task Help_PrintsTheUsageWithAnExample(string command)
    {
        var result = await RunAsync(new Dictionary<string, string?>(), command, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"usage: coffer {command}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("example", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("--endpoint URL", result.StandardOutput, StringComparison.Ordinal);
    }

    private static CliCredentials Root => CofferCli.Root;

    private async Task CreateRoleAsync(string name, string action)
    {
        await _iam.CallAsync("CreateRole", ("RoleName", name), ("AssumeRolePolicyDocument", $$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{{_account}}:user/alice"}, "Action": "sts:AssumeRole"}]}
            """));
        await _iam.CallAsync("PutRolePolicy", ("RoleName", name), ("PolicyName", "objects"), ("PolicyDocument", $$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "{{action}}", "Resource": "arn:aws:s3:::{{Bucket}}/*"}]}
            """));
    }

    private async Task<Uri> PresignAsync(CliCredentials credentials, params string[] args)
    {
        var result = await CofferAsync(credentials, ["presign", .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());

        // No note that the URL was shortened: the credentials were asked for as long as it lives.
        Assert.True(result.StandardError.Length == 0, result.ToString());
        return new Uri(result.StandardOutput.Trim());
    }

    private Task<ExternalProcess.Result> CofferAsync(CliCredentials credentials, params string[] args) => _cli.RunAsync(credentials, args);

    private Task<ExternalProcess.Result> RunAsync(Dictionary<string, string?> environment, params string[] args) =>
        _cli.RunWithAsync(environment, null, args);

    private AmazonS3Client S3Client(AWSCredentials credentials) =>
        new(credentials, new AmazonS3Config { ServiceURL = _server.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    private static string? Decision(ExternalProcess.Result result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        return json.RootElement.GetProperty("decision").GetString();
    }

    /// <summary>NAME=VALUE of each "export NAME=VALUE" line, unquoting single quotes as a shell would.</summary>
    private static Dictionary<string, string> ParseExports(string output)
    {
        var exports = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!line.StartsWith("export ", StringComparison.Ordinal))
            {
                Assert.StartsWith("#", line, StringComparison.Ordinal);
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            var value = line[(eq + 1)..];
            exports[line["export ".Length..eq]] = value.StartsWith('\'')
                ? new StringBuilder(value[1..^1]).Replace("'\\''", "'").ToString()
                : value;
        }

        Assert.Equal(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"], exports.Keys.Order(StringComparer.Ordinal));
        return exports;
    }
}
