using System.Text.Json.Nodes;
using Coffer.Audit.Records;

namespace Coffer.Audit.Tests;

/// <summary>Records of each identity type, with predictable fields.</summary>
internal static class TestRecords
{
    public const string Account = "111122223333";

    public static readonly DateTimeOffset Time = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static AuditUserIdentity Root(string accessKeyId = "AKIAROOTEXAMPLE00001") => new()
    {
        Type = AuditIdentityType.Root,
        PrincipalId = Account,
        Arn = $"arn:aws:iam::{Account}:root",
        AccountId = Account,
        AccessKeyId = accessKeyId,
    };

    public static AuditUserIdentity User(string name, string accessKeyId) => new()
    {
        Type = AuditIdentityType.IamUser,
        PrincipalId = "AIDA" + name.ToUpperInvariant().PadRight(17, 'X'),
        Arn = $"arn:aws:iam::{Account}:user/{name}",
        AccountId = Account,
        AccessKeyId = accessKeyId,
        UserName = name,
    };

    public static AuditUserIdentity RoleSession(string role, string session, string accessKeyId) => new()
    {
        Type = AuditIdentityType.AssumedRole,
        PrincipalId = $"AROAEXAMPLEROLEID0001:{session}",
        Arn = $"arn:aws:sts::{Account}:assumed-role/{role}/{session}",
        AccountId = Account,
        AccessKeyId = accessKeyId,
        SessionContext = new AuditSessionContext
        {
            SessionIssuer = new AuditSessionIssuer
            {
                Type = AuditIdentityType.Role,
                PrincipalId = "AROAEXAMPLEROLEID0001",
                Arn = $"arn:aws:iam::{Account}:role/{role}",
                AccountId = Account,
                UserName = role,
            },
            Attributes = new AuditSessionAttributes { CreationDate = Time.AddMinutes(-5), MfaAuthenticated = false },
        },
    };

    /// <summary>A GetObject data event as S3 records one.</summary>
    /// <summary>A PutObject record: not read-only, so its append waits for an fsync.</summary>
    public static AuditRecord PutObject(AuditUserIdentity identity, string bucket, string key) => new()
    {
        UserIdentity = identity,
        EventTime = Time,
        EventSource = "s3.amazonaws.com",
        EventName = "PutObject",
        AwsRegion = "us-east-1",
        SourceIPAddress = "192.0.2.10",
        RequestParameters = new JsonObject { ["bucketName"] = bucket, ["Host"] = $"{bucket}.localhost", ["key"] = key },
        RequestId = "R" + Guid.NewGuid().ToString("N")[..15].ToUpperInvariant(),
        EventId = Guid.NewGuid(),
        ReadOnly = false,
        RecipientAccountId = Account,
        EventCategory = AuditEventCategory.Data,
    };

    public static AuditRecord GetObject(AuditUserIdentity identity, string bucket, string key, DateTimeOffset? time = null, string? errorCode = null, string sourceIp = "192.0.2.10") => new()
    {
        UserIdentity = identity,
        EventTime = time ?? Time,
        EventSource = "s3.amazonaws.com",
        EventName = "GetObject",
        AwsRegion = "us-east-1",
        SourceIPAddress = sourceIp,
        UserAgent = "aws-cli/2.15.0",
        ErrorCode = errorCode,
        ErrorMessage = errorCode is null ? null : "Access Denied",
        RequestParameters = new JsonObject { ["bucketName"] = bucket, ["Host"] = $"{bucket}.localhost", ["key"] = key },
        AdditionalEventData = new AuditAdditionalEventData
        {
            SignatureVersion = "SigV4",
            BytesTransferredIn = 0,
            AuthenticationMethod = "AuthHeader",
            BytesTransferredOut = errorCode is null ? 4096 : 0,
        },
        RequestId = "R" + Guid.NewGuid().ToString("N")[..15].ToUpperInvariant(),
        EventId = Guid.NewGuid(),
        ReadOnly = true,
        Resources =
        [
            new AuditResource { Type = "AWS::S3::Object", Arn = $"arn:aws:s3:::{bucket}/{key}" },
            new AuditResource { AccountId = Account, Type = "AWS::S3::Bucket", Arn = $"arn:aws:s3:::{bucket}" },
        ],
        ManagementEvent = false,
        RecipientAccountId = Account,
        EventCategory = AuditEventCategory.Data,
    };
}
