using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// <c>coffer roles</c> run as a process against one server: the role templates of a bucket,
/// grants to users and groups, and what the roles may do through pre-signed URLs fetched with
/// the real curl and through the AWS SDK. Each test uses its own role prefix and users.
/// </summary>
public sealed class CliRolesTests(SharedServerFixture shared) : SharedServerCliTests(shared, "coffer-roles-"), IClassFixture<SharedServerFixture>
{
    [Fact]
    public async Task Init_CreatesThreeTaggedRolesUnderCofferWithTheAccountInTheirTrustPolicy()
    {
        var result = await CofferAsync(Root, "roles", "init", "--bucket", Bucket, "--prefix", "Tpl", "--max-session", "2h", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var account = await AccountAsync();
        Assert.Equal(
            [$"arn:aws:iam::{account}:role/coffer/TplUploader", $"arn:aws:iam::{account}:role/coffer/TplViewer", $"arn:aws:iam::{account}:role/coffer/TplAdmin"],
            json.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetProperty("arn").GetString()));
        foreach (var (name, kind) in new[] { ("TplUploader", "uploader"), ("TplViewer", "viewer"), ("TplAdmin", "admin") })
        {
            var role = (await Iam.CallAsync("GetRole", ("RoleName", name))).Descendants().Single(e => e.Name.LocalName == "Role");
            Assert.Equal("/coffer/", Child(role, "Path"));
            Assert.Equal("7200", Child(role, "MaxSessionDuration"));
            Assert.Contains(Bucket, Child(role, "Description"), StringComparison.Ordinal);
            Assert.Equal(kind, Tag(role, "coffer:template"));
            Assert.Equal(Bucket, Tag(role, "coffer:bucket"));
            Assert.Equal([$"arn:aws:iam::{account}:root"], TrustedPrincipals(role));
            Assert.Equal(["coffer-template"], await RolePolicyNamesAsync(name));
        }

        var uploader = await RolePolicyAsync("TplUploader");
        Assert.Equal(["s3:AbortMultipartUpload", "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts", "s3:PutObject"], uploader.Order(StringComparer.Ordinal));
        Assert.Equal(["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket"], (await RolePolicyAsync("TplViewer")).Order(StringComparer.Ordinal));
        Assert.Equal(["s3:*"], (await RolePolicyAsync("TplAdmin")).Distinct());

        var list = await CofferAsync(Root, "roles", "list");
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(["TplUploader", "uploader", Bucket, "-", "-"], list.StandardOutput.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task Uploader_PresignedPutUploadsWithCurl_PresignedGetIsDenied()
    {
        var alice = await InitAndGrantAsync("Up", "Uploader");
        var file = Path.Combine(Work, "report.txt");
        await File.WriteAllTextAsync(file, "quarterly report");

        var put = await CurlAsync("-T", file, await PresignAsync(alice, "put", $"s3://{Bucket}/up/report.txt", "--role", "UpUploader"));
        var get = await CurlAsync(await PresignAsync(alice, "get", $"s3://{Bucket}/up/report.txt", "--role", "UpUploader"));

        Assert.Equal(200, put.Status);
        using (var stored = await Fixture.Client.GetObjectAsync(Bucket, "up/report.txt"))
        using (var reader = new StreamReader(stored.ResponseStream))
        {
            Assert.Equal("quarterly report", await reader.ReadToEndAsync());
        }

        AssertAccessDenied(get);
    }

    [Fact]
    public async Task Viewer_PresignedGetDownloadsWithCurl_PresignedPutIsDenied()
    {
        await Fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "view/hello.txt", ContentBody = "hello from root" });
        var alice = await InitAndGrantAsync("View", "Viewer");
        var file = Path.Combine(Work, "overwrite.txt");
        await File.WriteAllTextAsync(file, "overwritten");

        var get = await CurlAsync(await PresignAsync(alice, "get", $"s3://{Bucket}/view/hello.txt", "--role", "ViewViewer"));
        var put = await CurlAsync("-T", file, await PresignAsync(alice, "put", $"s3://{Bucket}/view/hello.txt", "--role", "ViewViewer"));

        Assert.Equal((200, "hello from root"), get);
        AssertAccessDenied(put);
    }

    [Fact]
    public async Task Admin_CredentialsDeleteObjects_ViewerCredentialsCannot()
    {
        await Fixture.Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "adm/doomed.txt", ContentBody = "doomed" });
        var alice = await InitAndGrantAsync("Adm", "Admin", "Viewer");

        using var viewer = await RoleS3ClientAsync(alice, "AdmViewer");
        using var admin = await RoleS3ClientAsync(alice, "AdmAdmin");

        var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() => viewer.DeleteObjectAsync(Bucket, "adm/doomed.txt"));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.Single((await Fixture.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = "adm/" })).S3Objects ?? []);
        await admin.DeleteObjectAsync(Bucket, "adm/doomed.txt");
        Assert.Empty((await Fixture.Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = "adm/" })).S3Objects ?? []);
    }

    [Fact]
    public async Task GroupGrant_LetsMembersAssume_NotOthers()
    {
        await InitAsync("Grp");
        await Iam.CallAsync("CreateGroup", ("GroupName", "grp-family"));
        var member = await UserAsync("grp-member");
        var outsider = await UserAsync("grp-outsider");
        await Iam.CallAsync("AddUserToGroup", ("GroupName", "grp-family"), ("UserName", "grp-member"));

        await GrantAsync("GrpViewer", "--group", "grp-family");
        var memberAssumes = await CofferAsync(member, "assume-role", "GrpViewer", "--json");
        var outsiderAssumes = await CofferAsync(outsider, "assume-role", "GrpViewer", "--json");
        var list = await CofferAsync(Root, "roles", "list", "--json");

        Assert.True(memberAssumes.ExitCode == 0, memberAssumes.ToString());
        Assert.Equal(1, outsiderAssumes.ExitCode);
        Assert.Contains("error: AccessDenied:", outsiderAssumes.StandardError, StringComparison.Ordinal);
        Assert.True(list.ExitCode == 0, list.ToString());
        using var json = JsonDocument.Parse(list.StandardOutput);
        var viewer = json.RootElement.EnumerateArray().Single(r => r.GetProperty("name").GetString() == "GrpViewer");
        Assert.Equal(["grp-family"], viewer.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Empty(viewer.GetProperty("users").EnumerateArray());
    }

    [Fact]
    public async Task Grant_Twice_NamesTheUserOnceAndChangesNothing()
    {
        await InitAsync("Twice");
        await UserAsync("twice-alice");
        var account = await AccountAsync();

        var first = await CofferAsync(Root, "roles", "grant", "TwiceUploader", "--user", "twice-alice");
        var trustAfterFirst = await TrustPolicyAsync("TwiceUploader");
        var second = await CofferAsync(Root, "roles", "grant", "TwiceUploader", "--user", "twice-alice");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("coffer-assume-TwiceUploader", first.StandardOutput, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("nothing changed", second.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(trustAfterFirst, await TrustPolicyAsync("TwiceUploader"));
        var role = (await Iam.CallAsync("GetRole", ("RoleName", "TwiceUploader"))).Descendants().Single(e => e.Name.LocalName == "Role");
        Assert.Equal([$"arn:aws:iam::{account}:root", $"arn:aws:iam::{account}:user/twice-alice"], TrustedPrincipals(role));
    }

    [Fact]
    public async Task Revoke_StopsTheUserAndSaysWhatItRemoved_AndAgainChangesNothing()
    {
        var alice = await InitAndGrantAsync("Rev", "Uploader");
        var before = await CofferAsync(alice, "assume-role", "RevUploader");
        var account = await AccountAsync();

        var revoke = await CofferAsync(Root, "roles", "revoke", "RevUploader", "--user", "rev-alice");
        var after = await CofferAsync(alice, "assume-role", "RevUploader");
        var again = await CofferAsync(Root, "roles", "revoke", "RevUploader", "--user", "rev-alice");

        Assert.True(before.ExitCode == 0, before.ToString());
        Assert.True(revoke.ExitCode == 0, revoke.ToString());
        Assert.Contains("deleted the inline policy coffer-assume-RevUploader of user rev-alice", revoke.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"removed arn:aws:iam::{account}:user/rev-alice from RevUploader's trust policy", revoke.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(1, after.ExitCode);
        Assert.Contains("error: AccessDenied:", after.StandardError, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("nothing changed", again.StandardOutput, StringComparison.Ordinal);
        var role = (await Iam.CallAsync("GetRole", ("RoleName", "RevUploader"))).Descendants().Single(e => e.Name.LocalName == "Role");
        Assert.Equal([$"arn:aws:iam::{account}:root"], TrustedPrincipals(role));
    }

    [Fact]
    public async Task Init_Twice_ExitsOneAndLeavesTheRolesAsTheyWere()
    {
        await InitAndGrantAsync("Again", "Viewer");
        var before = await SnapshotAsync("Again");

        var again = await CofferAsync(Root, "roles", "init", "--bucket", Bucket, "--prefix", "Again");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("error: EntityAlreadyExists: role AgainUploader exists already", again.StandardError, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", again.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, await SnapshotAsync("Again"));
    }

    [Fact]
    public async Task Init_WhenOnlyTheAdminRoleExists_CreatesNothing()
    {
        await Iam.CallAsync("CreateRole", ("RoleName", "PreAdmin"), ("AssumeRolePolicyDocument", TrustAccount(await AccountAsync())));

        var result = await CofferAsync(Root, "roles", "init", "--bucket", Bucket, "--prefix", "Pre");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: EntityAlreadyExists: role PreAdmin exists already", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(["PreAdmin"], await RoleNamesAsync("Pre"));
    }

    [Fact]
    public async Task Init_FailingMidway_DeletesWhatItHadCreatedAndNamesTheStep()
    {
        // A delegated administrator who may do anything in IAM except give the Admin role its policy:
        // the fifth call succeeds, the sixth is refused, and the first five must be undone.
        var account = await AccountAsync();
        var ops = await UserAsync("mid-ops", $$"""
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
              {"Effect": "Deny", "Action": "iam:PutRolePolicy", "Resource": "arn:aws:iam::{{account}}:role/coffer/MidAdmin"}]}
            """);

        var result = await CofferAsync(ops, "roles", "init", "--bucket", Bucket, "--prefix", "Mid");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("roles init failed at step 6 of 6, put inline policy coffer-template on role MidAdmin", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("undone: deleted role MidAdmin, deleted inline policy coffer-template of role MidViewer, deleted role MidViewer", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("could not undo", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("error: AccessDenied:", result.StandardError, StringComparison.Ordinal);
        Assert.Empty(await RoleNamesAsync("Mid"));
    }

    [Fact]
    public async Task Grant_WhenThePolicyCannotBePut_RestoresTheTrustPolicy()
    {
        await InitAsync("Half");
        await UserAsync("half-alice");
        var granter = await UserAsync("half-granter", """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": ["iam:GetRole", "iam:GetUser", "iam:GetUserPolicy", "iam:UpdateAssumeRolePolicy"], "Resource": "*"}]}
            """);
        var before = await TrustPolicyAsync("HalfUploader");

        var result = await CofferAsync(granter, "roles", "grant", "HalfUploader", "--user", "half-alice");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("undone: HalfUploader's trust policy is as it was", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("error: AccessDenied:", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(before, await TrustPolicyAsync("HalfUploader"));
        Assert.Equal(404, (await Iam.SendAsync("GetUserPolicy", ("UserName", "half-alice"), ("PolicyName", "coffer-assume-HalfUploader"))).Status);
    }

    [Theory]
    [InlineData("roles")]
    [InlineData("roles", "frobnicate")]
    [InlineData("roles", "init")]
    [InlineData("roles", "init", "--bucket", "Not_A_Bucket")]
    [InlineData("roles", "init", "--bucket", "ok-bucket", "--prefix", "no/slash")]
    [InlineData("roles", "init", "--bucket", "ok-bucket", "--max-session", "13h")]
    [InlineData("roles", "init", "--bucket", "ok-bucket", "extra")]
    [InlineData("roles", "grant", "Uploader")]
    [InlineData("roles", "grant", "--user", "alice")]
    [InlineData("roles", "grant", "Uploader", "--user", "alice", "--group", "family")]
    [InlineData("roles", "revoke", "Uploader", "Viewer", "--user", "alice")]
    [InlineData("roles", "list", "extra")]
    public async Task UsageErrors_ExitTwoWithTheUsage(params string[] args)
    {
        var result = await CofferAsync(Root, args);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("usage: coffer roles", result.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("roles", "--help")]
    [InlineData("roles", "init", "--help")]
    [InlineData("roles", "grant", "--help")]
    [InlineData("roles", "revoke", "--help")]
    [InlineData("roles", "list", "--help")]
    public async Task Help_PrintsTheUsageWithAnExample(params string[] args)
    {
        var result = await Cli.RunWithAsync(new Dictionary<string, string?>(), null, args);

        Assert.True(result.ExitCode == 0, result.ToString());
        var command = args[1] == "--help" ? "coffer roles " : $"coffer roles {args[1]} ";
        Assert.StartsWith("usage: " + command, result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("example", result.StandardOutput, StringComparison.Ordinal);
    }

    private static CliCredentials Root => CofferCli.Root;

    private Task<ExternalProcess.Result> CofferAsync(CliCredentials credentials, params string[] args) => Cli.RunAsync(credentials, args);

    private async Task InitAsync(string prefix)
    {
        var result = await CofferAsync(Root, "roles", "init", "--bucket", Bucket, "--prefix", prefix);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private async Task GrantAsync(string role, params string[] grantee)
    {
        var result = await CofferAsync(Root, ["roles", "grant", role, .. grantee]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    /// <summary>The prefix's role templates, and a user prefix-alice granted PREFIX+SUFFIX for each suffix.</summary>
    private async Task<CliCredentials> InitAndGrantAsync(string prefix, params string[] suffixes)
    {
        await InitAsync(prefix);
        var name = prefix.ToLowerInvariant() + "-alice";
        var alice = await UserAsync(name);
        foreach (var suffix in suffixes)
        {
            await GrantAsync(prefix + suffix, "--user", name);
        }

        return alice;
    }

    /// <summary>A user with an access key and, when given, one inline policy (else none).</summary>
    private async Task<CliCredentials> UserAsync(string name, string? policy = null)
    {
        await Iam.CallAsync("CreateUser", ("UserName", name));
        if (policy is not null)
        {
            await Iam.CallAsync("PutUserPolicy", ("UserName", name), ("PolicyName", "test"), ("PolicyDocument", policy));
        }

        var key = await Iam.CallAsync("CreateAccessKey", ("UserName", name));
        return new CliCredentials(QueryApiClient.Value(key, "AccessKeyId"), QueryApiClient.Value(key, "SecretAccessKey"), null);
    }

    private async Task<string> AccountAsync()
    {
        using var sts = new QueryApiClient(Fixture.Server.Endpoint, "sts");
        return QueryApiClient.Value(await sts.CallAsync("GetCallerIdentity"), "Account");
    }

    private async Task<string> PresignAsync(CliCredentials credentials, params string[] args)
    {
        var result = await CofferAsync(credentials, ["presign", .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput.Trim();
    }

    /// <summary>Runs the real curl; the HTTP status and the response body.</summary>
    private async Task<(int Status, string Body)> CurlAsync(params string[] args)
    {
        var output = Path.Combine(Work, "curl-" + Guid.NewGuid().ToString("N"));
        var result = await ExternalProcess.RunAsync("curl", ["--silent", "--show-error", "--output", output, "--write-out", "%{http_code}", .. args], null, TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        return (int.Parse(result.StandardOutput.Trim(), CultureInfo.InvariantCulture), File.Exists(output) ? await File.ReadAllTextAsync(output) : string.Empty);
    }

    /// <summary>An SDK S3 client with the credentials <c>coffer assume-role ROLE --json</c> prints.</summary>
    private async Task<AmazonS3Client> RoleS3ClientAsync(CliCredentials credentials, string role)
    {
        var result = await CofferAsync(credentials, "assume-role", role, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StandardOutput);
        var session = new SessionAWSCredentials(
            json.RootElement.GetProperty("AccessKeyId").GetString(),
            json.RootElement.GetProperty("SecretAccessKey").GetString(),
            json.RootElement.GetProperty("SessionToken").GetString());
        return new AmazonS3Client(session, new AmazonS3Config { ServiceURL = Fixture.Server.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
    }

    private async Task<string> TrustPolicyAsync(string role) =>
        Uri.UnescapeDataString(QueryApiClient.Value(await Iam.CallAsync("GetRole", ("RoleName", role)), "AssumeRolePolicyDocument"));

    /// <summary>The Action list of the role's coffer-template policy, over all its statements.</summary>
    private async Task<List<string>> RolePolicyAsync(string role)
    {
        var document = await Iam.CallAsync("GetRolePolicy", ("RoleName", role), ("PolicyName", "coffer-template"));
        using var json = JsonDocument.Parse(Uri.UnescapeDataString(QueryApiClient.Value(document, "PolicyDocument")));
        return [.. json.RootElement.GetProperty("Statement").EnumerateArray().SelectMany(s => s.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!))];
    }

    private async Task<List<string>> RolePolicyNamesAsync(string role) =>
        [.. (await Iam.CallAsync("ListRolePolicies", ("RoleName", role))).Descendants().Where(e => e.Name.LocalName == "member").Select(e => e.Value)];

    private async Task<List<string>> RoleNamesAsync(string prefix) =>
        [.. (await Iam.CallAsync("ListRoles")).Descendants().Where(e => e.Name.LocalName == "RoleName").Select(e => e.Value).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    /// <summary>Everything init writes about the prefix's roles: the roles as GetRole shows them and their policies.</summary>
    private async Task<string> SnapshotAsync(string prefix)
    {
        var parts = new List<string>();
        foreach (var name in await RoleNamesAsync(prefix))
        {
            var role = (await Iam.CallAsync("GetRole", ("RoleName", name))).Descendants().Single(e => e.Name.LocalName == "Role");
            parts.Add(role.ToString());
            foreach (var policy in await RolePolicyNamesAsync(name))
            {
                parts.Add(QueryApiClient.Value(await Iam.CallAsync("GetRolePolicy", ("RoleName", name), ("PolicyName", policy)), "PolicyDocument"));
            }
        }

        return string.Join('\n', parts);
    }

    private static void AssertAccessDenied((int Status, string Body) response)
    {
        Assert.Equal(403, response.Status);
        Assert.Contains("<Code>AccessDenied</Code>", response.Body, StringComparison.Ordinal);
    }

    private static string TrustAccount(string account) =>
        $$"""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{{account}}:root"}, "Action": "sts:AssumeRole"}]}""";

    /// <summary>The AWS principals the role's trust policy allows, in order.</summary>
    private static List<string> TrustedPrincipals(XElement role)
    {
        using var json = JsonDocument.Parse(Uri.UnescapeDataString(Child(role, "AssumeRolePolicyDocument")));
        var principals = new List<string>();
        foreach (var statement in json.RootElement.GetProperty("Statement").EnumerateArray())
        {
            var aws = statement.GetProperty("Principal").GetProperty("AWS");
            principals.AddRange(aws.ValueKind == JsonValueKind.Array ? aws.EnumerateArray().Select(a => a.GetString()!) : [aws.GetString()!]);
        }

        return principals;
    }

    private static string Child(XElement element, string name) => element.Elements().Single(e => e.Name.LocalName == name).Value;

    private static string? Tag(XElement role, string key) =>
        role.Elements().Single(e => e.Name.LocalName == "Tags").Elements()
            .Where(m => Child(m, "Key") == key).Select(m => Child(m, "Value")).SingleOrDefault();
}
