using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// <c>coffer user create|delete|list|show</c> run as processes by an administrator user, and the
/// keys they write to CSV files used with boto3 and the aws cli to prove each user can do exactly
/// what its access grants in its own space, and nothing elsewhere.
/// </summary>
public sealed class CliUserTests : IAsyncLifetime
{
    private const string Shared = "team";

    private CofferServer _server = null!;
    private CofferCli _cli = null!;
    private QueryApiClient _iam = null!;
    private AmazonS3Client _root = null!;
    private CliCredentials _admin = null!;
    private string _work = null!;

    public async Task InitializeAsync()
    {
        _server = await CofferServer.StartAsync();
        _cli = new CofferCli(_server);
        _iam = new QueryApiClient(_server.Endpoint, "iam");
        _root = SdkClients.Create(_server, maxErrorRetry: 0);
        _work = Directory.CreateTempSubdirectory("coffer-users-").FullName;
        await _root.PutBucketAsync(Shared);

        // The account root may not assume roles (as in AWS), so an administrator runs the commands.
        await _iam.CallAsync("CreateUser", ("UserName", "ops"));
        await _iam.CallAsync("PutUserPolicy", ("UserName", "ops"), ("PolicyName", "admin"), ("PolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"""));
        var key = await _iam.CallAsync("CreateAccessKey", ("UserName", "ops"));
        _admin = new CliCredentials(QueryApiClient.Value(key, "AccessKeyId"), QueryApiClient.Value(key, "SecretAccessKey"), null);
    }

    public async Task DisposeAsync()
    {
        _root.Dispose();
        _iam.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(_work, recursive: true);
    }

    [Fact]
    public async Task SharedBucket_EachUserDoesExactlyWhatItsAccessGrants_InItsOwnFolderOnly()
    {
        (string Name, string Access)[] users = [("alice", "read-write"), ("bob", "read"), ("carol", "write")];
        foreach (var (name, access) in users)
        {
            await CreateAsync("--user", name, "--bucket", Shared, "--access", access, "--csv", Csv(name));
            await _root.PutObjectAsync(new PutObjectRequest { BucketName = Shared, Key = $"{name}/seed.txt", ContentBody = "seed" });
            AssertCsv(Csv(name), name);
        }

        for (var i = 0; i < users.Length; i++)
        {
            var (name, access) = users[i];
            var other = users[(i + 1) % users.Length].Name;
            await Boto3Async(Csv(name), Shared, name + "/", access, Shared, other + "/");
            await _root.PutObjectAsync(new PutObjectRequest { BucketName = Shared, Key = $"{name}/seed.txt", ContentBody = "seed" });
            await AwsCliAsync(Csv(name), Shared, name + "/", access, Shared, other + "/");
        }
    }

    [Fact]
    public async Task OwnBucket_IsMadeThroughTheCreatorRole_AndIsTheUsersOnly()
    {
        await CreateAsync("--user", "dave", "--own-bucket", "--csv", Csv("dave"));
        await CreateAsync("--user", "Erin", "--own-bucket", "--access", "read", "--csv", Csv("Erin"));

        foreach (var bucket in new[] { "dave-files", "erin-files" })
        {
            await _root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "seed.txt", ContentBody = "seed" });
        }

        // The bucket-creator role may only create buckets and set their encryption and policy.
        var policy = await _iam.CallAsync("GetRolePolicy", ("RoleName", "coffer-bucket-creator"), ("PolicyName", "create-buckets"));
        using (var document = JsonDocument.Parse(Uri.UnescapeDataString(QueryApiClient.Value(policy, "PolicyDocument"))))
        {
            var statement = document.RootElement.GetProperty("Statement")[0];
            Assert.Equal(
                ["s3:CreateBucket", "s3:PutBucketPolicy", "s3:PutEncryptionConfiguration"],
                statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!).Order(StringComparer.Ordinal));
        }

        await Boto3Async(Csv("dave"), "dave-files", string.Empty, "read-write", "erin-files", string.Empty);
        await Boto3Async(Csv("Erin"), "erin-files", string.Empty, "read", "dave-files", string.Empty);
        await _root.PutObjectAsync(new PutObjectRequest { BucketName = "dave-files", Key = "seed.txt", ContentBody = "seed" });
        await AwsCliAsync(Csv("dave"), "dave-files", string.Empty, "read-write", "erin-files", string.Empty);
        await AwsCliAsync(Csv("Erin"), "erin-files", string.Empty, "read", Shared, string.Empty);
    }

    [Fact]
    public async Task Create_Twice_ReportsTheUserExistsAndChangesNothing()
    {
        await CreateAsync("--user", "frank", "--bucket", Shared, "--csv", Csv("frank"));
        var csvBefore = await File.ReadAllTextAsync(Csv("frank"));
        var keysBefore = await KeyIdsAsync("frank");

        var again = await _cli.RunAsync(_admin, "user", "create", "--user", "frank", "--bucket", Shared, "--csv", Csv("frank"), "--force");

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("error: EntityAlreadyExists: user frank already exists; nothing was changed", again.StandardError, StringComparison.Ordinal);
        Assert.Equal(csvBefore, await File.ReadAllTextAsync(Csv("frank")));
        Assert.Equal(keysBefore, await KeyIdsAsync("frank"));
    }

    [Fact]
    public async Task Create_CsvThatExists_IsAUsageErrorUnlessForced()
    {
        await File.WriteAllTextAsync(Csv("gina"), "keep me");

        var refused = await _cli.RunAsync(_admin, "user", "create", "--user", "gina", "--bucket", Shared, "--csv", Csv("gina"));

        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("exists; pass --force to replace it", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal("keep me", await File.ReadAllTextAsync(Csv("gina")));
        Assert.Equal(404, (await _iam.SendAsync("GetUser", ("UserName", "gina"))).Status);

        await CreateAsync("--user", "gina", "--bucket", Shared, "--csv", Csv("gina"), "--force");
        AssertCsv(Csv("gina"), "gina");
    }

    [Fact]
    public async Task Create_BucketThatExists_UndoesEveryStepAndLeavesTheBucketAlone()
    {
        await _root.PutBucketAsync("henry-files");
        await _root.PutObjectAsync(new PutObjectRequest { BucketName = "henry-files", Key = "precious.txt", ContentBody = "precious" });

        var result = await _cli.RunAsync(_admin, "user", "create", "--user", "henry", "--own-bucket", "--csv", Csv("henry"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: BucketAlreadyOwnedByYou: creating user henry: step", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("(create bucket henry-files) failed", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("undone: create user henry", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", result.StandardError, StringComparison.Ordinal);
        await AssertUserGoneAsync("henry");
        Assert.False(File.Exists(Csv("henry")));
        using var kept = await _root.GetObjectAsync("henry-files", "precious.txt");
        Assert.Equal("precious", await new StreamReader(kept.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Create_PolicyNameTaken_UndoesTheUserAndKeepsTheOtherPolicy()
    {
        var existing = await _iam.CallAsync("CreatePolicy", ("PolicyName", "coffer-user-ivy"), ("Path", "/coffer/"), ("PolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"""));

        var result = await _cli.RunAsync(_admin, "user", "create", "--user", "ivy", "--bucket", Shared, "--csv", Csv("ivy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: EntityAlreadyExists: creating user ivy: step 2 (create policy coffer-user-ivy) failed", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(404, (await _iam.SendAsync("GetUser", ("UserName", "ivy"))).Status);
        Assert.Equal(200, (await _iam.SendAsync("GetPolicy", ("PolicyArn", QueryApiClient.Value(existing, "Arn")))).Status);
        Assert.False(File.Exists(Csv("ivy")));
    }

    [Fact]
    public async Task Create_OwnBucketAsRoot_IsRefusedBeforeAnythingIsMade()
    {
        var result = await _cli.RunAsync(CofferCli.Root, "user", "create", "--user", "jack", "--own-bucket", "--csv", Csv("jack"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the account root cannot assume roles", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(404, (await _iam.SendAsync("GetUser", ("UserName", "jack"))).Status);
    }

    [Theory]
    [InlineData(new[] { "--user", "kim" }, "give either --bucket BUCKET or --own-bucket")]
    [InlineData(new[] { "--user", "kim", "--bucket", Shared, "--own-bucket" }, "give either --bucket BUCKET or --own-bucket")]
    [InlineData(new[] { "--user", "kim", "--bucket", Shared, "--access", "all" }, "--access all: expected read, write or read-write")]
    [InlineData(new[] { "--user", "kim_", "--own-bucket" }, "kim_-files is not a valid bucket name")]
    [InlineData(new[] { "--user", "kim", "--own-bucket", "--bucket-pattern", "files" }, "--bucket-pattern files: must contain <name>")]
    [InlineData(new[] { "--bucket", Shared }, "--user is required")]
    public async Task Create_BadArguments_AreUsageErrors(string[] args, string message)
    {
        var result = await _cli.RunAsync(_admin, ["user", "create", .. args]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_SharedBucketThatDoesNotExist_FailsBeforeAnythingIsMade()
    {
        var result = await _cli.RunAsync(_admin, "user", "create", "--user", "lena", "--bucket", "no-such-bucket", "--csv", Csv("lena"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("error: NoSuchBucket:", result.StandardError, StringComparison.Ordinal);
        Assert.Equal(404, (await _iam.SendAsync("GetUser", ("UserName", "lena"))).Status);
    }

    [Fact]
    public async Task Delete_AsksWithCountAndBytes_ThenRemovesUserKeysPolicyAndEveryObject()
    {
        await CreateAsync("--user", "mia", "--bucket", Shared, "--csv", Csv("mia"));
        await _iam.CallAsync("CreateGroup", ("GroupName", "readers"));
        await _iam.CallAsync("AddUserToGroup", ("GroupName", "readers"), ("UserName", "mia"));
        await _iam.CallAsync("PutUserPolicy", ("UserName", "mia"), ("PolicyName", "extra"), ("PolicyDocument", """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"""));
        foreach (var key in new[] { "mia/a.txt", "mia/deep/b.txt", "mia/c%20d & <e>.txt" })
        {
            await _root.PutObjectAsync(new PutObjectRequest { BucketName = Shared, Key = key, ContentBody = "12345" });
        }

        await _root.PutObjectAsync(new PutObjectRequest { BucketName = Shared, Key = "mia2/keep.txt", ContentBody = "keep" });
        await _root.InitiateMultipartUploadAsync(Shared, "mia/unfinished.bin");

        var declined = await _cli.RunWithInputAsync(_admin, "n\n", "user", "delete", "--user", "mia");
        Assert.Equal(1, declined.ExitCode);
        Assert.Contains("3 objects (15 B) in s3://team/mia/", declined.StandardError, StringComparison.Ordinal);
        Assert.Contains("1 access key, 1 attached policy, 1 inline policy, 1 group membership", declined.StandardError, StringComparison.Ordinal);
        Assert.Contains("nothing was deleted", declined.StandardError, StringComparison.Ordinal);
        Assert.Equal(200, (await _iam.SendAsync("GetUser", ("UserName", "mia"))).Status);

        var accepted = await _cli.RunWithInputAsync(_admin, "y\n", "user", "delete", "--user", "mia");

        Assert.True(accepted.ExitCode == 0, accepted.ToString());
        Assert.Contains("deleted 3 objects in s3://team/mia/", accepted.StandardOutput, StringComparison.Ordinal);
        await AssertUserGoneAsync("mia");
        Assert.Empty((await _root.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Shared, Prefix = "mia/" })).S3Objects ?? []);
        Assert.Empty((await _root.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Shared, Prefix = "mia/" })).MultipartUploads ?? []);
        Assert.Single((await _root.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Shared, Prefix = "mia2/" })).S3Objects);
        Assert.Equal(200, (await _iam.SendAsync("GetGroup", ("GroupName", "readers"))).Status);
    }

    [Fact]
    public async Task Delete_OwnBucket_RemovesTheBucket_OrKeepsItWithKeepFiles()
    {
        await CreateAsync("--user", "nora", "--own-bucket", "--csv", Csv("nora"));
        await CreateAsync("--user", "omar", "--own-bucket", "--csv", Csv("omar"));
        await _root.PutObjectAsync(new PutObjectRequest { BucketName = "nora-files", Key = "a.txt", ContentBody = "a" });
        await _root.PutObjectAsync(new PutObjectRequest { BucketName = "omar-files", Key = "a.txt", ContentBody = "a" });

        var nora = await _cli.RunAsync(_admin, "user", "delete", "--user", "nora", "--yes", "--json");
        var omar = await _cli.RunAsync(_admin, "user", "delete", "--user", "omar", "--yes", "--keep-files");

        Assert.True(nora.ExitCode == 0, nora.ToString());
        using (var json = JsonDocument.Parse(nora.StandardOutput))
        {
            Assert.Equal(1, json.RootElement.GetProperty("objectsDeleted").GetInt32());
            Assert.True(json.RootElement.GetProperty("bucketDeleted").GetBoolean());
        }

        Assert.True(omar.ExitCode == 0, omar.ToString());
        var buckets = (await _root.ListBucketsAsync()).Buckets.Select(b => b.BucketName).ToList();
        Assert.DoesNotContain("nora-files", buckets);
        Assert.Contains("omar-files", buckets);
        await AssertUserGoneAsync("nora");
        await AssertUserGoneAsync("omar");
    }

    [Fact]
    public async Task Delete_VersionedOwnBucket_RemovesEveryVersionAndMarker_ThenTheBucket()
    {
        await CreateAsync("--user", "vera", "--own-bucket", "--csv", Csv("vera"));
        await _root.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = "vera-files", VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        foreach (var text in new[] { "one", "two", "three" })
        {
            await _root.PutObjectAsync(new PutObjectRequest { BucketName = "vera-files", Key = "notes.txt", ContentBody = text });
        }

        await _root.PutObjectAsync(new PutObjectRequest { BucketName = "vera-files", Key = "gone.txt", ContentBody = "x" });
        await _root.DeleteObjectAsync("vera-files", "gone.txt");

        var result = await _cli.RunAsync(_admin, "user", "delete", "--user", "vera", "--yes");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("1 object and 4 older versions and delete markers (12 B) in s3://vera-files/, and the bucket vera-files", result.StandardError, StringComparison.Ordinal);
        Assert.Contains("deleted 1 object (4 older versions and delete markers besides) in s3://vera-files/ and the bucket vera-files", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("vera-files", (await _root.ListBucketsAsync()).Buckets.Select(b => b.BucketName));
        await AssertUserGoneAsync("vera");
    }

    [Fact]
    public async Task Delete_OwnBucketUnderObjectLock_KeepsTheLockedVersionsAndTheBucket_AndSaysSo()
    {
        await CreateAsync("--user", "wanda", "--own-bucket", "--csv", Csv("wanda"));
        const string bucket = "wanda-files";
        await _root.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await _root.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = bucket,
            ObjectLockConfiguration = new ObjectLockConfiguration { ObjectLockEnabled = ObjectLockEnabled.Enabled },
        });
        var record = await _root.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "record.txt",
            ContentBody = "kept",
            ObjectLockMode = ObjectLockMode.Compliance,
            ObjectLockRetainUntilDate = DateTime.UtcNow.AddDays(1),
        });
        var brief = await _root.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket,
            Key = "brief.txt",
            ContentBody = "kept for seconds",
            ObjectLockMode = ObjectLockMode.Compliance,
            ObjectLockRetainUntilDate = DateTime.UtcNow.AddSeconds(4),
        });
        await _root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "notes.txt", ContentBody = "one" });
        await _root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "notes.txt", ContentBody = "two" });

        var first = await _cli.RunAsync(_admin, "user", "delete", "--user", "wanda", "--yes");

        Assert.True(first.ExitCode == 1, first.ToString());
        Assert.Contains("kept 2 versions under object lock in s3://wanda-files/", first.StandardError, StringComparison.Ordinal);
        var left = await _root.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        var kept = left.Versions.Where(v => v.IsDeleteMarker != true).Select(v => v.VersionId).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { brief.VersionId, record.VersionId }.Order(StringComparer.Ordinal), kept);
        Assert.Contains(bucket, (await _root.ListBucketsAsync()).Buckets.Select(b => b.BucketName));
        Assert.Equal(404, (await _iam.SendAsync("GetUser", ("UserName", "wanda"))).Status);

        // The user's policy stays: its description is how a later run finds the files again.
        Assert.Equal(200, (await _iam.SendAsync("GetPolicy", ("PolicyArn", $"arn:aws:iam::{await AccountAsync()}:policy/coffer/coffer-user-wanda"))).Status);

        // Once the short retention has ended, running it again removes that one; the other stays.
        await Task.Delay(TimeSpan.FromSeconds(5));
        var second = await _cli.RunAsync(_admin, "user", "delete", "--user", "wanda", "--yes");

        Assert.True(second.ExitCode == 1, second.ToString());
        Assert.Contains("kept 1 version under object lock", second.StandardError, StringComparison.Ordinal);
        var remaining = await _root.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(record.VersionId, Assert.Single(remaining.Versions).VersionId);
    }

    [Fact]
    public async Task Delete_Interrupted_FinishesWhenRunAgain()
    {
        await CreateAsync("--user", "paul", "--bucket", Shared, "--csv", Csv("paul"));
        await _root.PutObjectAsync(new PutObjectRequest { BucketName = Shared, Key = "paul/a.txt", ContentBody = "a" });

        // What a run stopped after the IAM half leaves: no user, the detached policy, the files.
        var key = (await KeyIdsAsync("paul")).Single();
        await _iam.CallAsync("DeleteAccessKey", ("UserName", "paul"), ("AccessKeyId", key));
        var policyArn = $"arn:aws:iam::{await AccountAsync()}:policy/coffer/coffer-user-paul";
        await _iam.CallAsync("DetachUserPolicy", ("UserName", "paul"), ("PolicyArn", policyArn));
        await _iam.CallAsync("DeleteUser", ("UserName", "paul"));

        var again = await _cli.RunAsync(_admin, "user", "delete", "--user", "paul", "--yes");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("user paul was already gone", again.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("deleted 1 object in s3://team/paul/", again.StandardOutput, StringComparison.Ordinal);
        Assert.Empty((await _root.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Shared, Prefix = "paul/" })).S3Objects ?? []);
        Assert.Equal(404, (await _iam.SendAsync("GetPolicy", ("PolicyArn", policyArn))).Status);

        var third = await _cli.RunAsync(_admin, "user", "delete", "--user", "paul", "--yes");
        Assert.Equal(1, third.ExitCode);
        Assert.Contains("error: NoSuchEntity: user paul does not exist", third.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_TakesTheUserOutOfTheTrustPolicyOfRolesItWasGranted()
    {
        await CreateAsync("--user", "rita", "--bucket", Shared, "--csv", Csv("rita"));
        var init = await _cli.RunAsync(_admin, "roles", "init", "--bucket", Shared, "--prefix", "Rita");
        Assert.True(init.ExitCode == 0, init.ToString());
        var grant = await _cli.RunAsync(_admin, "roles", "grant", "RitaViewer", "--user", "rita");
        Assert.True(grant.ExitCode == 0, grant.ToString());
        Assert.Contains(":user/rita", await TrustPolicyAsync("RitaViewer"), StringComparison.Ordinal);

        var result = await _cli.RunAsync(_admin, "user", "delete", "--user", "rita", "--yes");

        Assert.True(result.ExitCode == 0, result.ToString());
        await AssertUserGoneAsync("rita");
        var trust = await TrustPolicyAsync("RitaViewer");
        Assert.DoesNotContain(":user/rita", trust, StringComparison.Ordinal);
        Assert.Contains(":root", trust, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAndShow_GiveSpaceKeysAndLastUse()
    {
        await CreateAsync("--user", "quinn", "--bucket", Shared, "--access", "read", "--csv", Csv("quinn"));
        var key = (await KeyIdsAsync("quinn")).Single();

        var list = await _cli.RunAsync(_admin, "user", "list", "--json");
        var table = await _cli.RunAsync(_admin, "user", "list");
        var show = await _cli.RunAsync(_admin, "user", "show", "quinn");
        var missing = await _cli.RunAsync(_admin, "user", "show", "nobody");

        Assert.True(list.ExitCode == 0, list.ToString());
        using (var json = JsonDocument.Parse(list.StandardOutput))
        {
            var quinn = json.RootElement.EnumerateArray().Single(u => u.GetProperty("user").GetString() == "quinn");
            Assert.Equal("shared", quinn.GetProperty("mode").GetString());
            Assert.Equal(Shared, quinn.GetProperty("bucket").GetString());
            Assert.Equal("quinn/", quinn.GetProperty("prefix").GetString());
            Assert.Equal("read", quinn.GetProperty("access").GetString());
            Assert.Equal(key, quinn.GetProperty("accessKeys")[0].GetProperty("accessKeyId").GetString());
            var ops = json.RootElement.EnumerateArray().Single(u => u.GetProperty("user").GetString() == "ops");
            Assert.Equal(JsonValueKind.Null, ops.GetProperty("mode").ValueKind);
            Assert.NotEqual(JsonValueKind.Null, ops.GetProperty("accessKeys")[0].GetProperty("lastUsed").ValueKind);
        }

        Assert.Contains("USER", table.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(@"quinn\s+shared\s+s3://team/quinn/\s+read\s+" + key, table.StandardOutput);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("s3://team/quinn/ (shared, read)", show.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("coffer-user-quinn", show.StandardOutput, StringComparison.Ordinal);
        Assert.Matches(key + @"\s+Active", show.StandardOutput);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("error: NoSuchEntity:", missing.StandardError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("create")]
    [InlineData("delete")]
    [InlineData("list")]
    [InlineData("show")]
    public async Task Help_PrintsTheUsageWithAnExample(string command)
    {
        var result = await _cli.RunAsync(_admin, "user", command, "--help");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith($"usage: coffer user {command}", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("example", result.StandardOutput, StringComparison.Ordinal);
    }

    private string Csv(string name) => Path.Combine(_work, name + ".csv");

    private async Task CreateAsync(params string[] args)
    {
        var result = await _cli.RunAsync(_admin, ["user", "create", .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private void AssertCsv(string path, string user)
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal("Access key ID,Secret access key,User Name,Endpoint", lines[0]);
        var fields = lines[1].Split(',');
        Assert.StartsWith("AKIA", fields[0], StringComparison.Ordinal);
        Assert.Equal(40, fields[1].Length);
        Assert.Equal(user, fields[2]);
        Assert.Equal(_server.Endpoint.AbsoluteUri, fields[3]);
    }

    private async Task<List<string>> KeyIdsAsync(string user)
    {
        var keys = await _iam.CallAsync("ListAccessKeys", ("UserName", user));
        return [.. keys.Descendants().Where(e => e.Name.LocalName == "AccessKeyId").Select(e => e.Value).Order(StringComparer.Ordinal)];
    }

    private async Task<string> TrustPolicyAsync(string role) =>
        Uri.UnescapeDataString(QueryApiClient.Value(await _iam.CallAsync("GetRole", ("RoleName", role)), "AssumeRolePolicyDocument"));

    private async Task<string> AccountAsync()
    {
        var user = await _iam.CallAsync("GetUser", ("UserName", "ops"));
        return QueryApiClient.Value(user, "Arn").Split(':')[4];
    }

    private async Task AssertUserGoneAsync(string name)
    {
        Assert.Equal(404, (await _iam.SendAsync("GetUser", ("UserName", name))).Status);
        var policy = await _iam.SendAsync("GetPolicy", ("PolicyArn", $"arn:aws:iam::{await AccountAsync()}:policy/coffer/coffer-user-{name}"));
        Assert.Equal(404, policy.Status);
    }

    private static async Task Boto3Async(params string[] args)
    {
        var python = ClientScriptTests.RequireExecutable("python3", "put a python3 with boto3 first on PATH");
        var result = await ExternalProcess.RunAsync(python, [ClientScriptTests.ScriptPath("tenant_space.py"), .. args], null, TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static async Task AwsCliAsync(params string[] args)
    {
        var aws = ClientScriptTests.RequireExecutable("aws", "put aws cli v1 first on PATH, or apt-get install awscli");
        var result = await ExternalProcess.RunAsync("bash", [ClientScriptTests.ScriptPath("tenant_space_cli.sh"), aws, .. args], null, TimeSpan.FromMinutes(3));
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
