using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Coffer.Protocol.Auth;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// Every request to the real server leaves exactly one CloudTrail-format record in its audit
/// journal, written before the response, with who asked, what, and how it ended; and no secret.
/// </summary>
public sealed class AuditTrailTests : IAsyncLifetime
{
    private const string Bucket = "audit-wire";
    private const string RoleName = "audit-writer";
    private const string UserName = "auditor";
    private static readonly byte[] CustomerKey = RandomNumberGenerator.GetBytes(32);

    private CofferServer _server = null!;
    private QueryApiClient _iam = null!;
    private S3TestClient _root = null!;
    private string _account = null!;
    private (string Id, string Secret) _userKey;

    public async Task InitializeAsync()
    {
        _server = await CofferServer.StartAsync(environment: new Dictionary<string, string> { ["COFFER_ALLOW_SSE_C_OVER_HTTP"] = "true" });
        _iam = new QueryApiClient(_server.Endpoint, "iam");
        _root = new S3TestClient(_server.Endpoint);
        await _root.CreateBucketAsync(Bucket);

        var user = await _iam.CallAsync("CreateUser", ("UserName", UserName));
        _account = QueryApiClient.Value(user, "Arn").Split(':')[4];
        await _iam.CallAsync("PutUserPolicy", ("UserName", UserName), ("PolicyName", "p"), ("PolicyDocument", IamTestUser.Policy(
            new { Effect = "Allow", Action = "sts:AssumeRole", Resource = $"arn:aws:iam::{_account}:role/{RoleName}" },
            new { Effect = "Allow", Action = new[] { "s3:PutObject", "s3:GetObject" }, Resource = $"arn:aws:s3:::{Bucket}/user/*" })));
        var key = await _iam.CallAsync("CreateAccessKey", ("UserName", UserName));
        _userKey = (QueryApiClient.Value(key, "AccessKeyId"), QueryApiClient.Value(key, "SecretAccessKey"));
        await _iam.CallAsync("CreateRole", ("RoleName", RoleName), ("AssumeRolePolicyDocument", JsonSerializer.Serialize(new
        {
            Version = "2012-10-17",
            Statement = new[] { new { Effect = "Allow", Principal = new { AWS = $"arn:aws:iam::{_account}:user/{UserName}" }, Action = "sts:AssumeRole" } },
        })));
        await _iam.CallAsync("PutRolePolicy", ("RoleName", RoleName), ("PolicyName", "p"), ("PolicyDocument", IamTestUser.Policy(
            new { Effect = "Allow", Action = "s3:*", Resource = new[] { $"arn:aws:s3:::{Bucket}", $"arn:aws:s3:::{Bucket}/role/*" } })));
    }

    public async Task DisposeAsync()
    {
        _root.Dispose();
        _iam.Dispose();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task RootPutAndGet_AreDataEventsWithTheCallerTheObjectAndTheBytes()
    {
        var body = Encoding.UTF8.GetBytes("four kilobytes would do, this is fewer");
        using var put = await _root.SendAsync(HttpMethod.Put, $"/{Bucket}/root/a.txt", body, r => r.Headers.UserAgent.ParseAdd("audit-test/1.0"));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var get = await _root.SendAsync(HttpMethod.Get, $"/{Bucket}/root/a.txt?versionId=null");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);

        var putRecord = AuditJournal.ByRequestId(_server.DataDirectory, RequestId(put));
        Assert.Equal("1.09", putRecord.GetProperty("eventVersion").GetString());
        Assert.Equal("s3.amazonaws.com", putRecord.GetProperty("eventSource").GetString());
        Assert.Equal("PutObject", putRecord.GetProperty("eventName").GetString());
        Assert.Equal("us-east-1", putRecord.GetProperty("awsRegion").GetString());
        Assert.Equal("127.0.0.1", putRecord.GetProperty("sourceIPAddress").GetString());
        Assert.StartsWith("audit-test/1.0", putRecord.GetProperty("userAgent").GetString(), StringComparison.Ordinal);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", putRecord.GetProperty("eventTime").GetString());
        Assert.True(Guid.TryParse(putRecord.GetProperty("eventID").GetString(), out _));
        var identity = putRecord.GetProperty("userIdentity");
        Assert.Equal("Root", identity.GetProperty("type").GetString());
        Assert.Equal(_account, identity.GetProperty("principalId").GetString());
        Assert.Equal($"arn:aws:iam::{_account}:root", identity.GetProperty("arn").GetString());
        Assert.Equal(_account, identity.GetProperty("accountId").GetString());
        Assert.Equal(CofferServer.AccessKey, identity.GetProperty("accessKeyId").GetString());
        var parameters = putRecord.GetProperty("requestParameters");
        Assert.Equal(Bucket, parameters.GetProperty("bucketName").GetString());
        Assert.Equal("root/a.txt", parameters.GetProperty("key").GetString());
        Assert.Equal(_server.Endpoint.Authority, parameters.GetProperty("Host").GetString());
        Assert.Equal("AES256", putRecord.GetProperty("responseElements").GetProperty("x-amz-server-side-encryption").GetString());
        var extra = putRecord.GetProperty("additionalEventData");
        Assert.Equal("SigV4", extra.GetProperty("SignatureVersion").GetString());
        Assert.Equal("AuthHeader", extra.GetProperty("AuthenticationMethod").GetString());
        Assert.Equal(body.Length, extra.GetProperty("bytesTransferredIn").GetInt64());
        Assert.Equal(RequestId(put), extra.GetProperty("x-amz-id-2").GetString());
        Assert.False(putRecord.GetProperty("readOnly").GetBoolean());
        Assert.Equal("AwsApiCall", putRecord.GetProperty("eventType").GetString());
        Assert.False(putRecord.GetProperty("managementEvent").GetBoolean());
        Assert.Equal("Data", putRecord.GetProperty("eventCategory").GetString());
        Assert.Equal(_account, putRecord.GetProperty("recipientAccountId").GetString());
        Assert.False(putRecord.TryGetProperty("errorCode", out _));
        var resources = putRecord.GetProperty("resources").EnumerateArray().ToList();
        Assert.Equal(("AWS::S3::Object", $"arn:aws:s3:::{Bucket}/root/a.txt"), (resources[0].GetProperty("type").GetString(), resources[0].GetProperty("ARN").GetString()));
        Assert.Equal(("AWS::S3::Bucket", $"arn:aws:s3:::{Bucket}", _account), (resources[1].GetProperty("type").GetString(), resources[1].GetProperty("ARN").GetString(), resources[1].GetProperty("accountId").GetString()));

        var getRecord = AuditJournal.ByRequestId(_server.DataDirectory, RequestId(get));
        Assert.Equal("GetObject", getRecord.GetProperty("eventName").GetString());
        Assert.True(getRecord.GetProperty("readOnly").GetBoolean());
        Assert.Equal(JsonValueKind.Null, getRecord.GetProperty("responseElements").ValueKind);
        Assert.Equal(body.Length, getRecord.GetProperty("additionalEventData").GetProperty("bytesTransferredOut").GetInt64());
        Assert.Equal("null", getRecord.GetProperty("requestParameters").GetProperty("versionId").GetString());
    }

    [Fact]
    public async Task SubresourceCalls_NameTheSubresourceAndAreManagementEvents()
    {
        using var response = await _root.SendAsync(HttpMethod.Get, $"/{Bucket}?versioning");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var record = AuditJournal.ByRequestId(_server.DataDirectory, RequestId(response));
        Assert.Equal("GetBucketVersioning", record.GetProperty("eventName").GetString());
        Assert.Equal(string.Empty, record.GetProperty("requestParameters").GetProperty("versioning").GetString());
        Assert.Equal("Management", record.GetProperty("eventCategory").GetString());
        Assert.True(record.GetProperty("managementEvent").GetBoolean());
    }

    [Fact]
    public async Task IamUser_AllowedAndDenied_RecordTheUserAndTheError()
    {
        using var s3 = S3Client(new BasicAWSCredentials(_userKey.Id, _userKey.Secret));
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "user/u.txt", ContentBody = "by the user" });
        var denied = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "elsewhere.txt", ContentBody = "no" }));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);

        var allowed = AuditJournal.ByRequestId(_server.DataDirectory, put.ResponseMetadata.RequestId);
        var identity = allowed.GetProperty("userIdentity");
        Assert.Equal("IAMUser", identity.GetProperty("type").GetString());
        Assert.StartsWith("AIDA", identity.GetProperty("principalId").GetString(), StringComparison.Ordinal);
        Assert.Equal($"arn:aws:iam::{_account}:user/{UserName}", identity.GetProperty("arn").GetString());
        Assert.Equal(_account, identity.GetProperty("accountId").GetString());
        Assert.Equal(_userKey.Id, identity.GetProperty("accessKeyId").GetString());
        Assert.Equal(UserName, identity.GetProperty("userName").GetString());
        Assert.False(identity.TryGetProperty("sessionContext", out _));

        var refused = AuditJournal.ByRequestId(_server.DataDirectory, denied.RequestId);
        Assert.Equal("PutObject", refused.GetProperty("eventName").GetString());
        Assert.Equal("AccessDenied", refused.GetProperty("errorCode").GetString());
        Assert.Equal("Access Denied", refused.GetProperty("errorMessage").GetString());
        Assert.Equal(UserName, refused.GetProperty("userIdentity").GetProperty("userName").GetString());
        Assert.Equal("elsewhere.txt", refused.GetProperty("requestParameters").GetProperty("key").GetString());
    }

    [Fact]
    public async Task AssumedRole_AssumeRoleRecordHidesTheCredentials_AndTheSessionIsRecordedAsTheRole()
    {
        using var sts = new AmazonSecurityTokenServiceClient(
            new BasicAWSCredentials(_userKey.Id, _userKey.Secret),
            new AmazonSecurityTokenServiceConfig { ServiceURL = _server.Endpoint.ToString(), AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });
        var assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = $"arn:aws:iam::{_account}:role/{RoleName}", RoleSessionName = "audit-session", DurationSeconds = 900 });
        using var s3 = S3Client(new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken));
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "role/r.txt", ContentBody = "by the role" });

        var assumeRecord = AuditJournal.ByRequestId(_server.DataDirectory, assumed.ResponseMetadata.RequestId);
        Assert.Equal("sts.amazonaws.com", assumeRecord.GetProperty("eventSource").GetString());
        Assert.Equal("AssumeRole", assumeRecord.GetProperty("eventName").GetString());
        Assert.True(assumeRecord.GetProperty("readOnly").GetBoolean());
        Assert.Equal("IAMUser", assumeRecord.GetProperty("userIdentity").GetProperty("type").GetString());
        var parameters = assumeRecord.GetProperty("requestParameters");
        Assert.Equal($"arn:aws:iam::{_account}:role/{RoleName}", parameters.GetProperty("roleArn").GetString());
        Assert.Equal("audit-session", parameters.GetProperty("roleSessionName").GetString());
        Assert.Equal("900", parameters.GetProperty("durationSeconds").GetString());
        Assert.False(parameters.TryGetProperty("action", out _));
        var credentials = assumeRecord.GetProperty("responseElements").GetProperty("credentials");
        Assert.Equal(assumed.Credentials.AccessKeyId, credentials.GetProperty("accessKeyId").GetString());
        Assert.False(credentials.TryGetProperty("sessionToken", out _));
        Assert.False(credentials.TryGetProperty("secretAccessKey", out _));
        Assert.Equal(assumed.AssumedRoleUser.Arn, assumeRecord.GetProperty("responseElements").GetProperty("assumedRoleUser").GetProperty("arn").GetString());

        var sessionRecord = AuditJournal.ByRequestId(_server.DataDirectory, put.ResponseMetadata.RequestId);
        var identity = sessionRecord.GetProperty("userIdentity");
        Assert.Equal("AssumedRole", identity.GetProperty("type").GetString());
        Assert.Equal(assumed.AssumedRoleUser.AssumedRoleId, identity.GetProperty("principalId").GetString());
        Assert.Equal($"arn:aws:sts::{_account}:assumed-role/{RoleName}/audit-session", identity.GetProperty("arn").GetString());
        Assert.Equal(assumed.Credentials.AccessKeyId, identity.GetProperty("accessKeyId").GetString());
        Assert.False(identity.TryGetProperty("userName", out _));
        var issuer = identity.GetProperty("sessionContext").GetProperty("sessionIssuer");
        Assert.Equal("Role", issuer.GetProperty("type").GetString());
        Assert.Equal(assumed.AssumedRoleUser.AssumedRoleId.Split(':')[0], issuer.GetProperty("principalId").GetString());
        Assert.Equal($"arn:aws:iam::{_account}:role/{RoleName}", issuer.GetProperty("arn").GetString());
        Assert.Equal(RoleName, issuer.GetProperty("userName").GetString());
        var attributes = identity.GetProperty("sessionContext").GetProperty("attributes");
        Assert.Equal("false", attributes.GetProperty("mfaAuthenticated").GetString());
        Assert.InRange(DateTimeOffset.Parse(attributes.GetProperty("creationDate").GetString()!, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Anonymous_AndBadSignature_AndMissingKey_AreRecordedWithTheirErrors()
    {
        using var http = new HttpClient { BaseAddress = _server.Endpoint };
        using var anonymous = await http.GetAsync($"/{Bucket}/root/a.txt");
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        using var forged = new S3TestClient(_server.Endpoint, CofferServer.AccessKey, "not-the-secret-key-at-all-0000000000000");
        using var badSignature = await forged.SendAsync(HttpMethod.Get, $"/{Bucket}/root/a.txt");
        Assert.Equal(HttpStatusCode.Forbidden, badSignature.StatusCode);
        using var missing = await _root.SendAsync(HttpMethod.Get, $"/{Bucket}/no-such-key");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        var anonymousRecord = AuditJournal.ByRequestId(_server.DataDirectory, RequestId(anonymous));
        var identity = anonymousRecord.GetProperty("userIdentity");
        Assert.Equal("AWSAccount", identity.GetProperty("type").GetString());
        Assert.Equal(string.Empty, identity.GetProperty("principalId").GetString());
        Assert.Equal("anonymous", identity.GetProperty("accountId").GetString());
        Assert.Equal("AccessDenied", anonymousRecord.GetProperty("errorCode").GetString());
        Assert.False(anonymousRecord.GetProperty("additionalEventData").TryGetProperty("SignatureVersion", out _));

        var forgedRecord = AuditJournal.ByRequestId(_server.DataDirectory, RequestId(badSignature));
        Assert.Equal("SignatureDoesNotMatch", forgedRecord.GetProperty("errorCode").GetString());
        Assert.Equal("GetObject", forgedRecord.GetProperty("eventName").GetString());
        Assert.Equal("Unknown", forgedRecord.GetProperty("userIdentity").GetProperty("type").GetString());
        Assert.Equal(CofferServer.AccessKey, forgedRecord.GetProperty("userIdentity").GetProperty("accessKeyId").GetString());

        var missingRecord = AuditJournal.ByRequestId(_server.DataDirectory, RequestId(missing));
        Assert.Equal("NoSuchKey", missingRecord.GetProperty("errorCode").GetString());
        Assert.Equal("The specified key does not exist.", missingRecord.GetProperty("errorMessage").GetString());
    }

    [Fact]
    public async Task MalformedRequests_AreRecordedOnceEach()
    {
        var ids = new List<string>();
        foreach (var path in new[] { $"/{Bucket}/%ZZ", $"/{Bucket}?list-type=2&max-keys=many", "/" + new string('a', 70) })
        {
            using var response = await _root.SendAsync(HttpMethod.Get, path);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{path}: {response.StatusCode}");
            ids.Add(RequestId(response));
        }

        using var http = new HttpClient { BaseAddress = _server.Endpoint };
        using var garbled = new HttpRequestMessage(HttpMethod.Get, $"/{Bucket}/k");
        garbled.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 not a credential at all");
        using var malformed = await http.SendAsync(garbled);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        ids.Add(RequestId(malformed));

        foreach (var id in ids)
        {
            Assert.True(AuditJournal.ByRequestId(_server.DataDirectory, id).TryGetProperty("errorCode", out _));
        }
    }

    [Fact]
    public async Task EveryApiFamily_WritesExactlyOneRecordPerRequest()
    {
        var expected = new List<(string Id, string Source, string Name)>();
        for (var i = 0; i < 5; i++)
        {
            using var put = await _root.SendAsync(HttpMethod.Put, $"/{Bucket}/count/{i}", [1, 2, 3]);
            expected.Add((RequestId(put), "s3.amazonaws.com", "PutObject"));
            using var head = await _root.SendAsync(HttpMethod.Head, $"/{Bucket}/count/{i}");
            expected.Add((RequestId(head), "s3.amazonaws.com", "HeadObject"));
            using var list = await _root.SendAsync(HttpMethod.Get, $"/{Bucket}?list-type=2&prefix=count/");
            expected.Add((RequestId(list), "s3.amazonaws.com", "ListObjects"));
            using var delete = await _root.SendAsync(HttpMethod.Delete, $"/{Bucket}/count/{i}");
            expected.Add((RequestId(delete), "s3.amazonaws.com", "DeleteObject"));

            var (_, users) = await _iam.SendAsync("ListUsers");
            expected.Add((QueryApiClient.Value(users, "RequestId"), "iam.amazonaws.com", "ListUsers"));
            var (_, noUser) = await _iam.SendAsync("GetUser", ("UserName", "nobody-" + i));
            expected.Add((QueryApiClient.Value(noUser, "RequestId"), "iam.amazonaws.com", "GetUser"));

            using var sts = new QueryApiClient(_server.Endpoint, "sts");
            var (_, caller) = await sts.SendAsync("GetCallerIdentity");
            expected.Add((QueryApiClient.Value(caller, "RequestId"), "sts.amazonaws.com", "GetCallerIdentity"));

            using var kms = new KmsApiClient(_server.Endpoint);
            var created = await kms.SendAsync("CreateKey", new { Description = "audit " + i });
            expected.Add((created.RequestId!, "kms.amazonaws.com", "CreateKey"));
            var keyId = created.Body.GetProperty("KeyMetadata").GetProperty("KeyId").GetString()!;
            var encrypted = await kms.SendAsync("Encrypt", new { KeyId = keyId, Plaintext = KmsApiClient.Base64("kms plaintext " + i) });
            expected.Add((encrypted.RequestId!, "kms.amazonaws.com", "Encrypt"));
            var unknownKey = await kms.SendAsync("DescribeKey", new { KeyId = "alias/none-" + i });
            Assert.Equal("NotFoundException", unknownKey.ErrorType);
            expected.Add((unknownKey.RequestId!, "kms.amazonaws.com", "DescribeKey"));
        }

        var records = AuditJournal.Records(_server.DataDirectory);
        foreach (var (id, source, name) in expected)
        {
            var matching = records.Where(r => r.GetProperty("requestID").GetString() == id).ToList();
            Assert.True(matching.Count == 1, $"{name} {id}: {matching.Count} records");
            Assert.Equal(source, matching[0].GetProperty("eventSource").GetString());
            Assert.Equal(name, matching[0].GetProperty("eventName").GetString());
        }

        Assert.Equal(records.Count, records.Select(r => r.GetProperty("eventID").GetString()).Distinct().Count());
        var iamError = records.Single(r => r.GetProperty("requestID").GetString() == expected[5].Id);
        Assert.Equal("NoSuchEntity", iamError.GetProperty("errorCode").GetString());
        var encrypt = records.Single(r => r.GetProperty("requestID").GetString() == expected[8].Id);
        Assert.True(encrypt.GetProperty("requestParameters").TryGetProperty("keyId", out _));
        Assert.False(encrypt.GetProperty("requestParameters").TryGetProperty("plaintext", out _));
    }

    [Fact]
    public async Task NoSecretEverReachesTheJournal()
    {
        // A new access key (its secret is in the response), session credentials, an SSE-C key,
        // a pre-signed URL's signature, a KMS plaintext and the Authorization header's signature.
        var (_, created) = await _iam.SendAsync("CreateAccessKey", ("UserName", UserName));
        var newSecret = QueryApiClient.Value(created, "SecretAccessKey");
        var createRecord = AuditJournal.ByRequestId(_server.DataDirectory, QueryApiClient.Value(created, "RequestId"));
        Assert.Equal(QueryApiClient.Value(created, "AccessKeyId"), createRecord.GetProperty("responseElements").GetProperty("accessKey").GetProperty("accessKeyId").GetString());
        Assert.False(createRecord.GetProperty("responseElements").GetProperty("accessKey").TryGetProperty("secretAccessKey", out _));

        using var sts = new QueryApiClient(_server.Endpoint, "sts", _userKey.Id, _userKey.Secret);
        var (_, session) = await sts.SendAsync("GetSessionToken");
        var sessionSecret = QueryApiClient.Value(session, "SecretAccessKey");
        var sessionToken = QueryApiClient.Value(session, "SessionToken");

        var customerKey = Convert.ToBase64String(CustomerKey);
        using var sse = await _root.SendAsync(HttpMethod.Put, $"/{Bucket}/sse-c.txt", Encoding.UTF8.GetBytes("customer keyed"), r =>
        {
            r.Headers.Add("x-amz-server-side-encryption-customer-algorithm", "AES256");
            r.Headers.Add("x-amz-server-side-encryption-customer-key", customerKey);
            r.Headers.Add("x-amz-server-side-encryption-customer-key-MD5", Convert.ToBase64String(MD5.HashData(CustomerKey)));
        });
        Assert.Equal(HttpStatusCode.OK, sse.StatusCode);

        var signer = new SigV4Signer(CofferServer.AccessKey, CofferServer.SecretKey, "us-east-1");
        var presigned = signer.Presign("GET", new Uri(_server.Endpoint, $"/{Bucket}/root/a.txt?x-id=GetObject"), TimeSpan.FromMinutes(5), DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        using var presignedGet = await http.GetAsync(presigned);
        var presignedSignature = System.Web.HttpUtility.ParseQueryString(presigned.Query)["X-Amz-Signature"]!;
        var presignedRecord = AuditJournal.ByRequestId(_server.DataDirectory, RequestId(presignedGet));
        Assert.Equal("QueryString", presignedRecord.GetProperty("additionalEventData").GetProperty("AuthenticationMethod").GetString());
        Assert.False(presignedRecord.GetProperty("requestParameters").TryGetProperty("X-Amz-Signature", out _));

        using var kms = new KmsApiClient(_server.Endpoint);
        var key = await kms.CallAsync("CreateKey", new { });
        var plaintext = KmsApiClient.Base64("the plaintext must not be audited");
        await kms.CallAsync("Encrypt", new { KeyId = key.GetProperty("KeyMetadata").GetProperty("KeyId").GetString(), Plaintext = plaintext });

        using var signed = await _root.SendAsync(HttpMethod.Get, $"/{Bucket}?location");
        var headerSignature = signed.RequestMessage!.Headers.GetValues("Authorization").Single().Split("Signature=")[1];

        var journal = AuditJournal.AllText(_server.DataDirectory);
        foreach (var secret in new[] { CofferServer.SecretKey, _userKey.Secret, newSecret, sessionSecret, sessionToken, customerKey, presignedSignature, plaintext, headerSignature })
        {
            Assert.False(journal.Contains(secret, StringComparison.Ordinal), $"the journal holds a secret ({secret[..4]}…)");
        }
    }

    private AmazonS3Client S3Client(AWSCredentials credentials) =>
        new(credentials, new AmazonS3Config { ServiceURL = _server.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0 });

    private static string RequestId(HttpResponseMessage response) => response.Headers.GetValues("x-amz-request-id").Single();
}
