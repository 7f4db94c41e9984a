using System.Text;
using System.Text.Json.Nodes;
using Coffer.Audit.Records;

namespace Coffer.Audit.Tests;

public sealed class AuditRedactionTests
{
    private const string Secret = "s3cr3t-VALUE-that-must-never-appear";

    [Theory]
    [InlineData("SecretAccessKey")]
    [InlineData("secretAccessKey")]
    [InlineData("SessionToken")]
    [InlineData("sessionToken")]
    [InlineData("X-Amz-Security-Token")]
    [InlineData("x-amz-security-token")]
    [InlineData("X-Amz-Signature")]
    [InlineData("Signature")]
    [InlineData("Authorization")]
    [InlineData("authorization")]
    [InlineData("x-amz-server-side-encryption-customer-key")]
    [InlineData("x-amz-copy-source-server-side-encryption-customer-key")]
    [InlineData("SSECustomerKey")]
    [InlineData("password")]
    [InlineData("NewPassword")]
    [InlineData("OldPassword")]
    [InlineData("Cookie")]
    [InlineData("TotpCode")]
    [InlineData("Plaintext")]
    [InlineData("ClientSecret")]
    public void Serialize_SensitiveParameter_AtAnyDepth_IsNeverWritten(string name)
    {
        var record = WithParameters(
            new JsonObject { [name] = Secret, ["nested"] = new JsonObject { [name] = Secret }, ["list"] = new JsonArray(new JsonObject { [name] = Secret }) },
            new JsonObject { ["credentials"] = new JsonObject { ["accessKeyId"] = "ASIAEXAMPLE", [name] = Secret } });

        var json = Encoding.UTF8.GetString(AuditRecordSerializer.Serialize(record));

        Assert.DoesNotContain(Secret, json, StringComparison.Ordinal);
        Assert.Contains($"\"{name}\":\"{AuditRedaction.Hidden}\"", json, StringComparison.Ordinal);
        Assert.Contains("ASIAEXAMPLE", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_CredentialsInsideStrings_AreCut()
    {
        var url = $"https://files.example.com/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260304%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Security-Token={Secret}&X-Amz-Signature={Secret}";
        var header = $"AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260304/us-east-1/s3/aws4_request, SignedHeaders=host, Signature={Secret}";
        var record = WithParameters(new JsonObject { ["url"] = url, ["header"] = header }, null);
        var failed = new AuditRecord
        {
            UserIdentity = AuditUserIdentity.Anonymous,
            EventTime = TestRecords.Time,
            EventSource = "s3.amazonaws.com",
            EventName = "GetObject",
            AwsRegion = "us-east-1",
            EventId = Guid.NewGuid(),
            UserAgent = $"curl/8.5 ({url})",
            ErrorCode = "SignatureDoesNotMatch",
            ErrorMessage = $"bad request {header}",
        };

        var json = Encoding.UTF8.GetString(AuditRecordSerializer.Serialize(record)) + Encoding.UTF8.GetString(AuditRecordSerializer.Serialize(failed));

        Assert.DoesNotContain(Secret, json, StringComparison.Ordinal);
        Assert.Contains("X-Amz-Credential=AKIAEXAMPLE", json, StringComparison.Ordinal);
        Assert.Contains($"X-Amz-Signature={AuditRedaction.Hidden}", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SignatureVersion")]
    [InlineData("x-amz-server-side-encryption-customer-key-MD5")]
    [InlineData("x-amz-server-side-encryption-customer-algorithm")]
    [InlineData("policyDocument")]
    [InlineData("continuationToken")]
    [InlineData("accessKeyId")]
    [InlineData("userName")]
    public void Serialize_SafeParameterThatLooksSensitive_IsKept(string name)
    {
        var json = Encoding.UTF8.GetString(AuditRecordSerializer.Serialize(WithParameters(new JsonObject { [name] = "visible-value" }, null)));

        Assert.Contains($"\"{name}\":\"visible-value\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Serialize_LeavesTheCallersParametersUnchanged()
    {
        var parameters = new JsonObject { ["password"] = Secret };

        AuditRecordSerializer.Serialize(WithParameters(parameters, null));

        Assert.Equal(Secret, (string?)parameters["password"]);
    }

    private static AuditRecord WithParameters(JsonObject requestParameters, JsonObject? responseElements) => new()
    {
        UserIdentity = TestRecords.Root(),
        EventTime = TestRecords.Time,
        EventSource = "iam.amazonaws.com",
        EventName = "CreateLoginProfile",
        AwsRegion = "us-east-1",
        EventId = Guid.NewGuid(),
        RequestParameters = requestParameters,
        ResponseElements = responseElements,
    };
}
