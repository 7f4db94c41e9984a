using static Coffer.Policy.Decision;
using static Coffer.Policy.Tests.DecisionTable.Callers;

namespace Coffer.Policy.Tests.DecisionTable;

/// <summary>
/// Decision rows built from the examples in AWS's IAM User Guide (policy examples, condition
/// operators, policy variables, evaluation logic, NotPrincipal) and the S3 User Guide (bucket
/// policy examples, the meaning of public).
/// </summary>
internal static partial class Table
{
    private const string Bucket = "arn:aws:s3:::amzn-s3-demo-bucket";
    private const string Obj = "arn:aws:s3:::amzn-s3-demo-bucket/key";

    public static readonly Dictionary<string, DecisionCase> Cases = Build();

    private const string AllowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""";
    private const string AllowS3 = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""";

    private static Dictionary<string, DecisionCase> Build()
    {
        var cases = new List<DecisionCase>();
        HomeDirectory(cases);
        SourceIp(cases);
        SecureTransportAndMfa(cases);
        Dates(cases);
        StringOperators(cases);
        NumericBinaryBoolNull(cases);
        ArnOperators(cases);
        SetQualifiers(cases);
        ActionsAndResources(cases);
        Variables(cases);
        BucketPrincipals(cases);
        NotPrincipal(cases);
        SessionsAndDenies(cases);
        TrustPolicies(cases);
        return cases.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    private static string Doc(string statements) => $$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""";

    private static string AllowWhen(string action, string resource, string condition) =>
        Doc($$"""{"Effect":"Allow","Action":"{{action}}","Resource":"{{resource}}","Condition":{{condition}}}""");

    private static Scenario Identity(List<DecisionCase> cases, string prefix, params string[] policies) =>
        new(cases, prefix, policies, null, PolicyKind.Resource, []);

    private static Scenario WithResource(List<DecisionCase> cases, string prefix, string resourcePolicy, params string[] identity) =>
        new(cases, prefix, identity, resourcePolicy, PolicyKind.Resource, []);

    private static void HomeDirectory(List<DecisionCase> cases)
    {
        // IAM User Guide: "Allows IAM users to access their own home directory in Amazon S3".
        const string home = """
            {"Version":"2012-10-17","Statement":[
              {"Sid":"AllowListingOfUserFolder","Action":["s3:ListBucket"],"Effect":"Allow",
               "Resource":["arn:aws:s3:::amzn-s3-demo-bucket"],
               "Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}},
              {"Sid":"AllowAllS3ActionsInUserFolder","Effect":"Allow","Action":["s3:*"],
               "Resource":["arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"]}]}
            """;
        Identity(cases, "home directory", home)
            .Row("list own folder", Allow, Alice, "s3:ListBucket", Bucket, "s3:prefix=home/alice/photos")
            .Row("list another user's folder", ImplicitDeny, Alice, "s3:ListBucket", Bucket, "s3:prefix=home/bob/")
            .Row("list bucket root", Allow, Alice, "s3:ListBucket", Bucket, "s3:prefix=")
            .Row("list home/", Allow, Alice, "s3:ListBucket", Bucket, "s3:prefix=home/")
            .Row("list without prefix key", ImplicitDeny, Alice, "s3:ListBucket", Bucket)
            .Row("get own object", Allow, Alice, "s3:GetObject", Bucket + "/home/alice/a/b.txt")
            .Row("put own object", Allow, Bob, "s3:PutObject", Bucket + "/home/bob/x")
            .Row("get another user's object", ImplicitDeny, Alice, "s3:GetObject", Bucket + "/home/bob/x")
            .Row("role session has no aws:username", ImplicitDeny, Session, "s3:GetObject", Bucket + "/home/session1/x")
            .Row("other bucket", ImplicitDeny, Alice, "s3:GetObject", "arn:aws:s3:::other/home/alice/x");

        // Without a Version the document has 2008-10-17 semantics: ${...} is plain text.
        const string legacy = """
            {"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"}]}
            """;
        Identity(cases, "home directory, no Version", legacy)
            .Row("variable not substituted", ImplicitDeny, Alice, "s3:GetObject", Bucket + "/home/alice/x")
            .Row("variable matched literally", Allow, Alice, "s3:GetObject", Bucket + "/home/${aws:username}/x");
    }

    private static void SourceIp(List<DecisionCase> cases)
    {
        // IAM User Guide: "Denies access to AWS based on the source IP".
        var denyOutside = Doc("""
            {"Effect":"Deny","Action":"*","Resource":"*","Condition":{
              "NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]},
              "Bool":{"aws:ViaAWSService":"false"}}}
            """);
        Identity(cases, "deny outside source IP", AllowS3, denyOutside)
            .Row("inside first range", Allow, Alice, "s3:GetObject", Obj, "aws:SourceIp=192.0.2.10", "aws:ViaAWSService=false")
            .Row("inside second range", Allow, Alice, "s3:GetObject", Obj, "aws:SourceIp=203.0.113.255", "aws:ViaAWSService=false")
            .Row("outside", ExplicitDeny, Alice, "s3:GetObject", Obj, "aws:SourceIp=198.51.100.1", "aws:ViaAWSService=false")
            .Row("outside but via AWS service", Allow, Alice, "s3:GetObject", Obj, "aws:SourceIp=198.51.100.1", "aws:ViaAWSService=true")
            .Row("no source IP: NotIpAddress is true", ExplicitDeny, Alice, "s3:GetObject", Obj, "aws:ViaAWSService=false")
            .Row("IPv6 caller outside IPv4 ranges", ExplicitDeny, Alice, "s3:GetObject", Obj, "aws:SourceIp=2001:db8::1", "aws:ViaAWSService=false")
            .Row("IPv4-mapped IPv6 inside", Allow, Alice, "s3:GetObject", Obj, "aws:SourceIp=::ffff:192.0.2.7", "aws:ViaAWSService=false")
            .Row("non-S3 action not allowed", ImplicitDeny, Alice, "sqs:SendMessage", "*", "aws:SourceIp=192.0.2.10", "aws:ViaAWSService=false");

        // S3 User Guide: "Restricting access to specific IP addresses" with IPv6.
        var ipv6 = AllowWhen("s3:*", "*", """{"IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:DB8:1234:5678::/64"]}, "NotIpAddress":{"aws:SourceIp":"192.0.2.188/32"}}""");
        Identity(cases, "IpAddress IPv4 and IPv6", ipv6)
            .Row("IPv6 in range", Allow, Alice, "s3:GetObject", Obj, "aws:SourceIp=2001:db8:1234:5678::abcd")
            .Row("IPv6 out of range", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:SourceIp=2001:db8:1234:5679::1")
            .Row("IPv4 in range", Allow, Alice, "s3:GetObject", Obj, "aws:SourceIp=192.0.2.1")
            .Row("IPv4 excluded address", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:SourceIp=192.0.2.188")
            .Row("missing key", ImplicitDeny, Alice, "s3:GetObject", Obj)
            .Row("unparseable address", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:SourceIp=not-an-ip");

        Identity(cases, "IpAddress bare address", AllowWhen("s3:*", "*", """{"IpAddress":{"aws:SourceIp":"203.0.113.9"}}"""))
            .Row("same address", Allow, Alice, "s3:GetObject", Obj, "aws:SourceIp=203.0.113.9")
            .Row("neighbour", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:SourceIp=203.0.113.10");
    }

    private static void SecureTransportAndMfa(List<DecisionCase> cases)
    {
        // S3 User Guide: deny requests that don't use HTTPS.
        const string https = """
            {"Version":"2012-10-17","Statement":[{"Sid":"RestrictToTLSRequestsOnly","Effect":"Deny","Principal":"*","Action":"s3:*",
              "Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],
              "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
            """;
        WithResource(cases, "deny without TLS", https, AllowS3)
            .Row("plain HTTP", ExplicitDeny, Alice, "s3:GetObject", Obj, "aws:SecureTransport=false")
            .Row("HTTPS", Allow, Alice, "s3:GetObject", Obj, "aws:SecureTransport=true")
            .Row("Bool compares case-insensitively", ExplicitDeny, Alice, "s3:GetObject", Obj, "aws:SecureTransport=FALSE")
            .Row("key absent: Bool is false", Allow, Alice, "s3:GetObject", Obj)
            .Row("root is denied too", ExplicitDeny, Root, "s3:GetObject", Obj, "aws:SecureTransport=false")
            .Row("anonymous over HTTPS has no allow", ImplicitDeny, null, "s3:GetObject", Obj, "aws:SecureTransport=true");

        // IAM User Guide: "Denies access to all but a few actions unless MFA" uses BoolIfExists.
        var mfa = Doc("""{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}}""");
        Identity(cases, "BoolIfExists MFA", AllowAll, mfa)
            .Row("MFA present", Allow, Alice, "ec2:StopInstances", "*", "aws:MultiFactorAuthPresent=true")
            .Row("MFA false", ExplicitDeny, Alice, "ec2:StopInstances", "*", "aws:MultiFactorAuthPresent=false")
            .Row("long-term keys: key absent", ExplicitDeny, Alice, "ec2:StopInstances", "*");

        var mfaBool = Doc("""{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}""");
        Identity(cases, "Bool MFA without IfExists", AllowAll, mfaBool)
            .Row("key absent: not denied", Allow, Alice, "ec2:StopInstances", "*")
            .Row("MFA false", ExplicitDeny, Alice, "ec2:StopInstances", "*", "aws:MultiFactorAuthPresent=false");

        Identity(cases, "MFA age", AllowWhen("ec2:*", "*", """{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"""))
            .Row("recent MFA", Allow, Alice, "ec2:StopInstances", "*", "aws:MultiFactorAuthAge=300")
            .Row("stale MFA", ImplicitDeny, Alice, "ec2:StopInstances", "*", "aws:MultiFactorAuthAge=7200")
            .Row("no MFA", ImplicitDeny, Alice, "ec2:StopInstances", "*");
    }

    private static void Dates(List<DecisionCase> cases)
    {
        // IAM User Guide: "Allows access within specific dates".
        var window = AllowWhen("s3:GetObject", "*", """
            {"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}
            """);
        Identity(cases, "date window", window)
            .Row("inside", Allow, Alice, "s3:GetObject", Obj, "aws:CurrentTime=2020-05-01T12:00:00Z")
            .Row("after", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:CurrentTime=2020-07-01T00:00:00Z")
            .Row("before", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:CurrentTime=2020-03-31T23:59:59Z")
            .Row("exactly at start is not greater", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:CurrentTime=2020-04-01T00:00:00Z")
            .Row("epoch seconds inside", Allow, Alice, "s3:GetObject", Obj, "aws:CurrentTime=1588334400")
            .Row("offset time inside", Allow, Alice, "s3:GetObject", Obj, "aws:CurrentTime=2020-04-01T02:00:00+01:00")
            .Row("key absent", ImplicitDeny, Alice, "s3:GetObject", Obj);

        Identity(cases, "date operators",
                AllowWhen("s3:GetObject", "*", """{"DateEquals":{"aws:EpochTime":"1585699200"}}"""),
                AllowWhen("s3:PutObject", "*", """{"DateNotEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"""),
                AllowWhen("s3:ListBucket", "*", """{"DateLessThanEquals":{"aws:CurrentTime":"2020-04-01T00:00:00Z"}}"""),
                AllowWhen("s3:DeleteObject", "*", """{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-04-01"}}"""),
                AllowWhen("s3:GetBucketTagging", "*", """{"DateLessThanIfExists":{"aws:TokenIssueTime":"2020-01-01T00:00:00Z"}}"""))
            .Row("DateEquals epoch vs ISO", Allow, Alice, "s3:GetObject", Obj, "aws:EpochTime=2020-04-01T00:00:00Z")
            .Row("DateEquals differs", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:EpochTime=1585699201")
            .Row("DateNotEquals differs", Allow, Alice, "s3:PutObject", Obj, "aws:CurrentTime=2021-01-01T00:00:00Z")
            .Row("DateNotEquals equal", ImplicitDeny, Alice, "s3:PutObject", Obj, "aws:CurrentTime=2020-04-01T00:00:00Z")
            .Row("DateNotEquals key absent", Allow, Alice, "s3:PutObject", Obj)
            .Row("DateLessThanEquals at bound", Allow, Alice, "s3:ListBucket", Bucket, "aws:CurrentTime=2020-04-01T00:00:00Z")
            .Row("DateLessThanEquals after", ImplicitDeny, Alice, "s3:ListBucket", Bucket, "aws:CurrentTime=2020-04-01T00:00:01Z")
            .Row("DateGreaterThanEquals date-only bound", Allow, Alice, "s3:DeleteObject", Obj, "aws:CurrentTime=2020-04-01T00:00:00Z")
            .Row("DateGreaterThanEquals before", ImplicitDeny, Alice, "s3:DeleteObject", Obj, "aws:CurrentTime=2020-03-31T00:00:00Z")
            .Row("DateLessThanIfExists absent", Allow, Alice, "s3:GetBucketTagging", Bucket)
            .Row("DateLessThanIfExists present and later", ImplicitDeny, Alice, "s3:GetBucketTagging", Bucket, "aws:TokenIssueTime=2020-02-01T00:00:00Z")
            .Row("DateLessThanIfExists present and earlier", Allow, Alice, "s3:GetBucketTagging", Bucket, "aws:TokenIssueTime=2019-12-01T00:00:00Z")
            .Row("unparseable request date", ImplicitDeny, Alice, "s3:ListBucket", Bucket, "aws:CurrentTime=yesterday");
    }

    private static void StringOperators(List<DecisionCase> cases)
    {
        // IAM User Guide condition operators: aws:PrincipalTag/job-category example.
        Identity(cases, "StringEquals", AllowWhen("iam:*AccessKey*", "arn:aws:iam::111122223333:user/*", """{"StringEquals":{"aws:PrincipalTag/job-category":"iamuser-admin"}}"""))
            .Row("tag matches", Allow, Alice, "iam:CreateAccessKey", "arn:aws:iam::111122223333:user/bob", "aws:PrincipalTag/job-category=iamuser-admin")
            .Row("values are case-sensitive", ImplicitDeny, Alice, "iam:CreateAccessKey", "arn:aws:iam::111122223333:user/bob", "aws:PrincipalTag/job-category=IAMUser-Admin")
            .Row("keys are case-insensitive", Allow, Alice, "iam:CreateAccessKey", "arn:aws:iam::111122223333:user/bob", "AWS:PRINCIPALTAG/JOB-CATEGORY=iamuser-admin")
            .Row("tag absent", ImplicitDeny, Alice, "iam:CreateAccessKey", "arn:aws:iam::111122223333:user/bob")
            .Row("StringEquals does not treat * as a wildcard", ImplicitDeny, Alice, "iam:ListAccessKeys", "arn:aws:iam::111122223333:user/bob", "aws:PrincipalTag/job-category=*")
            .Row("multivalued request: any value matches", Allow, Alice, "iam:CreateAccessKey", "arn:aws:iam::111122223333:user/bob", "aws:PrincipalTag/job-category=[other,iamuser-admin]");

        Identity(cases, "StringNotEquals",
                AllowWhen("s3:GetObject", "*", """{"StringNotEquals":{"aws:PrincipalTag/team":["blocked","banned"]}}"""))
            .Row("other value", Allow, Alice, "s3:GetObject", Obj, "aws:PrincipalTag/team=eng")
            .Row("listed value (NOR of values)", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:PrincipalTag/team=banned")
            .Row("key absent: negated is true", Allow, Alice, "s3:GetObject", Obj)
            .Row("multivalued request containing a listed value", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:PrincipalTag/team=[eng,blocked]");

        Identity(cases, "StringEqualsIgnoreCase",
                AllowWhen("s3:GetObject", "*", """{"StringEqualsIgnoreCase":{"aws:PrincipalTag/dept":"Finance"}}"""),
                AllowWhen("s3:PutObject", "*", """{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/dept":"Finance"}}"""))
            .Row("different case matches", Allow, Alice, "s3:GetObject", Obj, "aws:PrincipalTag/dept=FINANCE")
            .Row("different value", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:PrincipalTag/dept=Sales")
            .Row("negated, different case still equal", ImplicitDeny, Alice, "s3:PutObject", Obj, "aws:PrincipalTag/dept=finance")
            .Row("negated, different value", Allow, Alice, "s3:PutObject", Obj, "aws:PrincipalTag/dept=Sales");

        Identity(cases, "StringLike",
                AllowWhen("s3:GetObject", "*", """{"StringLike":{"s3:prefix":["reports/20??/*","public/*"]}}"""),
                AllowWhen("s3:PutObject", "*", """{"StringNotLike":{"s3:x-amz-server-side-encryption":"aws:*"}}"""),
                AllowWhen("s3:ListBucket", "*", """{"StringLikeIfExists":{"s3:prefix":"public/*"}}"""),
                AllowWhen("s3:DeleteObject", "*", """{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"guests"}}"""),
                AllowWhen("s3:GetBucketAcl", "*", """{"StringEqualsIfExists":{"aws:PrincipalTag/team":"admins"}}"""))
            .Row("? matches one character", Allow, Alice, "s3:GetObject", Obj, "s3:prefix=reports/2023/q1.csv")
            .Row("? needs exactly one character", ImplicitDeny, Alice, "s3:GetObject", Obj, "s3:prefix=reports/202/q1.csv")
            .Row("second value", Allow, Alice, "s3:GetObject", Obj, "s3:prefix=public/x")
            .Row("no value matches", ImplicitDeny, Alice, "s3:GetObject", Obj, "s3:prefix=private/x")
            .Row("StringLike is case-sensitive", ImplicitDeny, Alice, "s3:GetObject", Obj, "s3:prefix=PUBLIC/x")
            .Row("StringNotLike matching", ImplicitDeny, Alice, "s3:PutObject", Obj, "s3:x-amz-server-side-encryption=aws:kms")
            .Row("StringNotLike not matching", Allow, Alice, "s3:PutObject", Obj, "s3:x-amz-server-side-encryption=AES256")
            .Row("StringNotLike absent", Allow, Alice, "s3:PutObject", Obj)
            .Row("StringLikeIfExists absent", Allow, Alice, "s3:ListBucket", Bucket)
            .Row("StringLikeIfExists present and different", ImplicitDeny, Alice, "s3:ListBucket", Bucket, "s3:prefix=private/")
            .Row("StringNotEqualsIfExists absent", Allow, Alice, "s3:DeleteObject", Obj)
            .Row("StringNotEqualsIfExists equal", ImplicitDeny, Alice, "s3:DeleteObject", Obj, "aws:PrincipalTag/team=guests")
            .Row("StringEqualsIfExists absent", Allow, Alice, "s3:GetBucketAcl", Bucket)
            .Row("StringEqualsIfExists different", ImplicitDeny, Alice, "s3:GetBucketAcl", Bucket, "aws:PrincipalTag/team=guests");

        // Several keys under one operator are ANDed; several operators are ANDed.
        Identity(cases, "AND of keys and operators",
                AllowWhen("ec2:RunInstances", "*", """{"StringEquals":{"aws:RequestTag/env":"prod","aws:RequestTag/owner":"alice"},"Bool":{"aws:SecureTransport":"true"}}"""))
            .Row("all hold", Allow, Alice, "ec2:RunInstances", "*", "aws:RequestTag/env=prod", "aws:RequestTag/owner=alice", "aws:SecureTransport=true")
            .Row("second key fails", ImplicitDeny, Alice, "ec2:RunInstances", "*", "aws:RequestTag/env=prod", "aws:RequestTag/owner=bob", "aws:SecureTransport=true")
            .Row("second operator fails", ImplicitDeny, Alice, "ec2:RunInstances", "*", "aws:RequestTag/env=prod", "aws:RequestTag/owner=alice", "aws:SecureTransport=false")
            .Row("one key absent", ImplicitDeny, Alice, "ec2:RunInstances", "*", "aws:RequestTag/env=prod", "aws:SecureTransport=true");
    }

    private static void NumericBinaryBoolNull(List<DecisionCase> cases)
    {
        Identity(cases, "numeric operators",
                AllowWhen("s3:ListBucket", "*", """{"NumericLessThanEquals":{"s3:max-keys":"10"}}"""),
                AllowWhen("s3:GetObject", "*", """{"NumericEquals":{"s3:object-lock-remaining-retention-days":30}}"""),
                AllowWhen("s3:PutObject", "*", """{"NumericNotEquals":{"s3:object-lock-remaining-retention-days":"0"}}"""),
                AllowWhen("s3:DeleteObject", "*", """{"NumericGreaterThan":{"s3:object-lock-remaining-retention-days":"1.5"}}"""),
                AllowWhen("s3:GetObjectAcl", "*", """{"NumericGreaterThanEquals":{"s3:object-lock-remaining-retention-days":"7"}}"""),
                AllowWhen("s3:GetBucketAcl", "*", """{"NumericLessThanIfExists":{"s3:max-keys":"100"}}"""))
            .Row("NumericLessThanEquals at bound", Allow, Alice, "s3:ListBucket", Bucket, "s3:max-keys=10")
            .Row("NumericLessThanEquals above", ImplicitDeny, Alice, "s3:ListBucket", Bucket, "s3:max-keys=11")
            .Row("NumericLessThanEquals absent", ImplicitDeny, Alice, "s3:ListBucket", Bucket)
            .Row("NumericEquals with JSON number", Allow, Alice, "s3:GetObject", Obj, "s3:object-lock-remaining-retention-days=30")
            .Row("NumericEquals compares numbers, not text", Allow, Alice, "s3:GetObject", Obj, "s3:object-lock-remaining-retention-days=30.0")
            .Row("NumericEquals differs", ImplicitDeny, Alice, "s3:GetObject", Obj, "s3:object-lock-remaining-retention-days=31")
            .Row("NumericEquals non-numeric request value", ImplicitDeny, Alice, "s3:GetObject", Obj, "s3:object-lock-remaining-retention-days=thirty")
            .Row("NumericNotEquals differs", Allow, Alice, "s3:PutObject", Obj, "s3:object-lock-remaining-retention-days=5")
            .Row("NumericNotEquals equal", ImplicitDeny, Alice, "s3:PutObject", Obj, "s3:object-lock-remaining-retention-days=0")
            .Row("NumericNotEquals absent", Allow, Alice, "s3:PutObject", Obj)
            .Row("NumericGreaterThan decimal bound", Allow, Alice, "s3:DeleteObject", Obj, "s3:object-lock-remaining-retention-days=2")
            .Row("NumericGreaterThan below", ImplicitDeny, Alice, "s3:DeleteObject", Obj, "s3:object-lock-remaining-retention-days=1")
            .Row("NumericGreaterThanEquals at bound", Allow, Alice, "s3:GetObjectAcl", Obj, "s3:object-lock-remaining-retention-days=7")
            .Row("NumericGreaterThanEquals below", ImplicitDeny, Alice, "s3:GetObjectAcl", Obj, "s3:object-lock-remaining-retention-days=6")
            .Row("NumericLessThanIfExists absent", Allow, Alice, "s3:GetBucketAcl", Bucket)
            .Row("NumericLessThanIfExists too large", ImplicitDeny, Alice, "s3:GetBucketAcl", Bucket, "s3:max-keys=1000");

        // IAM User Guide: BinaryEquals compares against a base64 value.
        Identity(cases, "BinaryEquals", AllowWhen("s3:GetObject", "*", """{"BinaryEquals":{"key":"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}"""))
            .Row("same bytes", Allow, Alice, "s3:GetObject", Obj, "key=QmluYXJ5VmFsdWVJbkJhc2U2NA==")
            .Row("different bytes", ImplicitDeny, Alice, "s3:GetObject", Obj, "key=QmluYXJ5VmFsdWVJbkJhc2U2NQ==")
            .Row("not base64", ImplicitDeny, Alice, "s3:GetObject", Obj, "key=???")
            .Row("absent", ImplicitDeny, Alice, "s3:GetObject", Obj);

        Identity(cases, "Bool with JSON boolean", AllowWhen("s3:GetObject", "*", """{"Bool":{"aws:SecureTransport":true}}"""))
            .Row("true", Allow, Alice, "s3:GetObject", Obj, "aws:SecureTransport=true")
            .Row("True", Allow, Alice, "s3:GetObject", Obj, "aws:SecureTransport=True")
            .Row("false", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:SecureTransport=false")
            .Row("not a boolean", ImplicitDeny, Alice, "s3:GetObject", Obj, "aws:SecureTransport=yes");

        // IAM User Guide: Null condition operator; "true" means the key is absent.
        Identity(cases, "Null",
                AllowWhen("ec2:*", "*", """{"Null":{"aws:TokenIssueTime":"true"}}"""),
                AllowWhen("s3:*", "*", """{"Null":{"aws:RequestTag/env":"false"}}"""))
            .Row("long-term credentials (key absent)", Allow, Alice, "ec2:StopInstances", "*")
            .Row("temporary credentials (key present)", ImplicitDeny, Alice, "ec2:StopInstances", "*", "aws:TokenIssueTime=2024-01-01T00:00:00Z")
            .Row("Null false with key present", Allow, Alice, "s3:PutObject", Obj, "aws:RequestTag/env=prod")
            .Row("Null false with key absent", ImplicitDeny, Alice, "s3:PutObject", Obj)
            .Row("Null false with key present but empty", Allow, Alice, "s3:PutObject", Obj, "aws:RequestTag/env=[]");
    }

    private static void ArnOperators(List<DecisionCase> cases)
    {
        // IAM User Guide: ArnEquals/ArnLike on aws:SourceArn; each of the six parts matched on its own.
        Identity(cases, "ARN operators",
                AllowWhen("sqs:SendMessage", "*", """{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic1"}}"""),
                AllowWhen("sqs:ReceiveMessage", "*", """{"ArnLike":{"aws:SourceArn":"arn:aws:sqs:*:123456789012:queue1"}}"""),
                AllowWhen("sqs:DeleteMessage", "*", """{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic1"}}"""),
                AllowWhen("sqs:PurgeQueue", "*", """{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}"""),
                AllowWhen("sqs:GetQueueUrl", "*", """{"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:sns:*:*:*"}}"""))
            .Row("ArnEquals exact", Allow, Alice, "sqs:SendMessage", "*", "aws:SourceArn=arn:aws:sns:us-east-1:123456789012:topic1")
            .Row("ArnEquals other topic", ImplicitDeny, Alice, "sqs:SendMessage", "*", "aws:SourceArn=arn:aws:sns:us-east-1:123456789012:topic2")
            .Row("ArnEquals is case-sensitive", ImplicitDeny, Alice, "sqs:SendMessage", "*", "aws:SourceArn=arn:aws:sns:us-east-1:123456789012:TOPIC1")
            .Row("ArnLike wildcard region", Allow, Alice, "sqs:ReceiveMessage", "*", "aws:SourceArn=arn:aws:sqs:eu-west-1:123456789012:queue1")
            .Row("ArnLike wildcard does not cross a colon", ImplicitDeny, Alice, "sqs:ReceiveMessage", "*", "aws:SourceArn=arn:aws:sqs:eu-west-1:999999999999:123456789012:queue1")
            .Row("ArnLike absent", ImplicitDeny, Alice, "sqs:ReceiveMessage", "*")
            .Row("ArnNotEquals other", Allow, Alice, "sqs:DeleteMessage", "*", "aws:SourceArn=arn:aws:sns:us-east-1:123456789012:topic9")
            .Row("ArnNotEquals same", ImplicitDeny, Alice, "sqs:DeleteMessage", "*", "aws:SourceArn=arn:aws:sns:us-east-1:123456789012:topic1")
            .Row("ArnNotEquals absent", Allow, Alice, "sqs:DeleteMessage", "*")
            .Row("ArnNotLike user principal", Allow, Alice, "sqs:PurgeQueue", "*")
            .Row("ArnNotLike admin role", ImplicitDeny, Alice, "sqs:PurgeQueue", "*", "aws:PrincipalArn=arn:aws:iam::111122223333:role/admin-ops")
            .Row("ArnLikeIfExists absent", Allow, Alice, "sqs:GetQueueUrl", "*")
            .Row("ArnLikeIfExists not an SNS ARN", ImplicitDeny, Alice, "sqs:GetQueueUrl", "*", "aws:SourceArn=arn:aws:s3:::bucket");
    }

    private static void SetQualifiers(List<DecisionCase> cases)
    {
        // IAM User Guide: "ForAllValues:StringEquals" on aws:TagKeys.
        Identity(cases, "ForAllValues TagKeys", AllowWhen("ec2:CreateTags", "*", """{"ForAllValues:StringEquals":{"aws:TagKeys":["environment","cost-center"]}}"""))
            .Row("subset", Allow, Alice, "ec2:CreateTags", "*", "aws:TagKeys=[environment]")
            .Row("both", Allow, Alice, "ec2:CreateTags", "*", "aws:TagKeys=[environment,cost-center]")
            .Row("one extra key", ImplicitDeny, Alice, "ec2:CreateTags", "*", "aws:TagKeys=[environment,owner]")
            .Row("empty set", Allow, Alice, "ec2:CreateTags", "*", "aws:TagKeys=[]")
            .Row("key absent", Allow, Alice, "ec2:CreateTags", "*");

        Identity(cases, "ForAnyValue TagKeys", AllowWhen("ec2:CreateTags", "*", """{"ForAnyValue:StringEquals":{"aws:TagKeys":["environment"]}}"""))
            .Row("one matches", Allow, Alice, "ec2:CreateTags", "*", "aws:TagKeys=[owner,environment]")
            .Row("none matches", ImplicitDeny, Alice, "ec2:CreateTags", "*", "aws:TagKeys=[owner]")
            .Row("empty set", ImplicitDeny, Alice, "ec2:CreateTags", "*", "aws:TagKeys=[]")
            .Row("key absent", ImplicitDeny, Alice, "ec2:CreateTags", "*");

        Identity(cases, "set qualifiers with other operators",
                AllowWhen("dynamodb:GetItem", "*", """{"ForAllValues:StringLike":{"dynamodb:Attributes":["Post*","Message","Tags"]}}"""),
                AllowWhen("dynamodb:PutItem", "*", """{"ForAnyValue:StringNotEquals":{"dynamodb:Attributes":["ID"]}}"""),
                AllowWhen("dynamodb:Query", "*", """{"ForAllValues:StringNotEquals":{"dynamodb:Attributes":["ID","UserName"]}}"""),
                AllowWhen("dynamodb:Scan", "*", """{"ForAnyValue:StringEqualsIfExists":{"dynamodb:Attributes":["ID"]}}"""))
            .Row("ForAllValues:StringLike all match", Allow, Alice, "dynamodb:GetItem", "*", "dynamodb:Attributes=[PostDateTime,Message]")
            .Row("ForAllValues:StringLike one outside", ImplicitDeny, Alice, "dynamodb:GetItem", "*", "dynamodb:Attributes=[PostDateTime,UserName]")
            .Row("ForAnyValue:StringNotEquals one differs", Allow, Alice, "dynamodb:PutItem", "*", "dynamodb:Attributes=[ID,Message]")
            .Row("ForAnyValue:StringNotEquals all equal", ImplicitDeny, Alice, "dynamodb:PutItem", "*", "dynamodb:Attributes=[ID]")
            .Row("ForAllValues:StringNotEquals none forbidden", Allow, Alice, "dynamodb:Query", "*", "dynamodb:Attributes=[Message,Tags]")
            .Row("ForAllValues:StringNotEquals one forbidden", ImplicitDeny, Alice, "dynamodb:Query", "*", "dynamodb:Attributes=[Message,UserName]")
            .Row("ForAnyValue IfExists absent", Allow, Alice, "dynamodb:Scan", "*")
            .Row("ForAnyValue IfExists present without match", ImplicitDeny, Alice, "dynamodb:Scan", "*", "dynamodb:Attributes=[Message]");

        // IAM User Guide: deny with ForAnyValue on requested attributes.
        var denyAttributes = Doc("""{"Effect":"Deny","Action":"dynamodb:PutItem","Resource":"*","Condition":{"ForAnyValue:StringLike":{"dynamodb:Attributes":["ID","PostDateTime"]}}}""");
        Identity(cases, "deny ForAnyValue attributes", AllowAll, denyAttributes)
            .Row("touches a forbidden attribute", ExplicitDeny, Alice, "dynamodb:PutItem", "*", "dynamodb:Attributes=[UserName,Message,PostDateTime]")
            .Row("only allowed attributes", Allow, Alice, "dynamodb:PutItem", "*", "dynamodb:Attributes=[UserName]");
    }
}
