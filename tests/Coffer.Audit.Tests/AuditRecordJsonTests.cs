using System.Text;
using System.Text.Json.Nodes;
using Coffer.Audit.Records;

namespace Coffer.Audit.Tests;

public sealed class AuditRecordJsonTests
{
    // An S3 data event by a role session over TLS, in CloudTrail's field names, order and shapes
    // (requestParameters/responseElements present even when null, mfaAuthenticated a string).
    private const string DataEventSample = """
        {"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLEROLEID0001:uploader-7","arn":"arn:aws:sts::111122223333:assumed-role/Uploader/uploader-7","accountId":"111122223333","accessKeyId":"ASIAEXAMPLEKEY000001","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLEROLEID0001","arn":"arn:aws:iam::111122223333:role/Uploader","accountId":"111122223333","userName":"Uploader"},"attributes":{"creationDate":"2026-03-04T05:01:07Z","mfaAuthenticated":"false"}}},"eventTime":"2026-03-04T05:06:07Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","userAgent":"[aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.ubuntu.22 prompt/off command/s3.cp]","requestParameters":{"bucketName":"team-data","Host":"team-data.s3.us-east-1.amazonaws.com","key":"reports/2026/q1.csv"},"responseElements":null,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"b3JpZ2luYWwtaWQtMg==","bytesTransferredOut":1536},"requestID":"8F2C6D1E4B7A9C30","eventID":"3f0e4d7a-5b8c-4e2a-9d1f-6a7b8c9d0e1f","readOnly":true,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::team-data/reports/2026/q1.csv"},{"accountId":"111122223333","type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::team-data"}],"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333","eventCategory":"Data","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"team-data.s3.us-east-1.amazonaws.com"}}
        """;

    // A failed management event by root: errorCode and errorMessage follow userAgent, as CloudTrail writes them.
    private const string FailedManagementSample = """
        {"eventVersion":"1.09","userIdentity":{"type":"Root","principalId":"111122223333","arn":"arn:aws:iam::111122223333:root","accountId":"111122223333","accessKeyId":"AKIAROOTEXAMPLE00001"},"eventTime":"2026-03-04T05:06:07Z","eventSource":"iam.amazonaws.com","eventName":"DeleteUser","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"Boto3/1.34.0","errorCode":"NoSuchEntityException","errorMessage":"The user with name bob cannot be found.","requestParameters":{"userName":"bob"},"responseElements":null,"requestID":"0d1c2b3a-4f5e-6d7c-8b9a-0f1e2d3c4b5a","eventID":"9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
        """;

    [Theory]
    [InlineData(DataEventSample)]
    [InlineData(FailedManagementSample)]
    public void Deserialize_CloudTrailRecord_SerialisesBackByteForByte(string sample)
    {
        var record = AuditRecordSerializer.Deserialize(Encoding.UTF8.GetBytes(sample));

        Assert.Equal(sample, Encoding.UTF8.GetString(AuditRecordSerializer.Serialize(record)));
    }

    [Fact]
    public void Serialize_DataEvent_WritesCloudTrailFieldsInOrder()
    {
        var record = TestRecords.GetObject(TestRecords.User("alice", "AKIAALICEEXAMPLE0001"), "team-data", "a.txt");

        var json = JsonNode.Parse(AuditRecordSerializer.Serialize(record))!.AsObject();

        Assert.Equal(
            ["eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent",
             "requestParameters", "responseElements", "additionalEventData", "requestID", "eventID", "readOnly", "resources",
             "eventType", "managementEvent", "recipientAccountId", "eventCategory"],
            json.Select(p => p.Key));
        Assert.Equal("1.09", (string?)json["eventVersion"]);
        Assert.Equal("2026-03-04T05:06:07Z", (string?)json["eventTime"]);
        Assert.Null(json["responseElements"]);
        Assert.Equal("AwsApiCall", (string?)json["eventType"]);
        Assert.Equal(record.EventId.ToString(), (string?)json["eventID"]);
    }

    [Fact]
    public void Serialize_IamUser_WritesTypeIAMUser()
    {
        var json = JsonNode.Parse(AuditRecordSerializer.Serialize(TestRecords.GetObject(TestRecords.User("alice", "AKIAALICEEXAMPLE0001"), "b", "k")))!;

        Assert.Equal(
            """{"type":"IAMUser","principalId":"AIDAALICEXXXXXXXXXXXX","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","accessKeyId":"AKIAALICEEXAMPLE0001","userName":"alice"}""",
            json["userIdentity"]!.ToJsonString());
    }

    [Fact]
    public void Serialize_Anonymous_WritesAwsAccountAnonymous()
    {
        var json = JsonNode.Parse(AuditRecordSerializer.Serialize(TestRecords.GetObject(AuditUserIdentity.Anonymous, "public", "index.html")))!;

        Assert.Equal("""{"type":"AWSAccount","principalId":"","accountId":"anonymous"}""", json["userIdentity"]!.ToJsonString());
    }

    [Fact]
    public void Serialize_SubSecondTime_WritesWholeSecondsUtc()
    {
        var local = new DateTimeOffset(2026, 3, 4, 7, 6, 7, 999, TimeSpan.FromHours(2));
        var json = JsonNode.Parse(AuditRecordSerializer.Serialize(TestRecords.GetObject(TestRecords.Root(), "b", "k", local)))!;

        Assert.Equal("2026-03-04T05:06:07Z", (string?)json["eventTime"]);
    }
}
