using static Coffer.Policy.Decision;
using static Coffer.Policy.Tests.DecisionTable.Callers;

namespace Coffer.Policy.Tests.DecisionTable;

internal static partial class Table
{
    private static Scenario Full(List<DecisionCase> cases, string prefix, string[] identity, string? resource, string[] session, PolicyKind kind = PolicyKind.Resource) =>
        new(cases, prefix, identity, resource, kind, session);

    private static string BucketPolicy(string effect, string principal, string action = "s3:GetObject", string condition = "{}") => $$"""
        {"Version":"2012-10-17","Statement":[{"Effect":"{{effect}}","Principal":{{principal}},"Action":"{{action}}",
          "Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],"Condition":{{condition}}}]}
        """;

    private static void ActionsAndResources(List<DecisionCase> cases)
    {
        Identity(cases, "action wildcards", Doc("""{"Effect":"Allow","Action":["s3:Get*","s3:*Tagging","s3:List?ucket"],"Resource":"*"}"""))
            .Row("prefix wildcard", Allow, Alice, "s3:GetObject", Obj)
            .Row("prefix wildcard, longer name", Allow, Alice, "s3:GetObjectAcl", Obj)
            .Row("suffix wildcard", Allow, Alice, "s3:PutBucketTagging", Bucket)
            .Row("single-character wildcard", Allow, Alice, "s3:ListBucket", Bucket)
            .Row("action names are case-insensitive", Allow, Alice, "S3:getobject", Obj)
            .Row("not listed", ImplicitDeny, Alice, "s3:PutObject", Obj)
            .Row("other service with same action name", ImplicitDeny, Alice, "s4:GetObject", Obj);

        // IAM User Guide: NotAction "Allows access to all services except IAM".
        Identity(cases, "NotAction iam:*", Doc("""{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}"""))
            .Row("S3 allowed", Allow, Alice, "s3:GetObject", Obj)
            .Row("IAM excluded", ImplicitDeny, Alice, "iam:CreateUser", "arn:aws:iam::111122223333:user/x")
            .Row("IAM excluded whatever the case", ImplicitDeny, Alice, "IAM:createuser", "arn:aws:iam::111122223333:user/x");

        // IAM User Guide: Deny with NotAction denies everything not listed.
        Identity(cases, "Deny NotAction", AllowAll, Doc("""{"Effect":"Deny","NotAction":["s3:GetObject","s3:ListBucket"],"Resource":"*"}"""))
            .Row("listed action not denied", Allow, Alice, "s3:GetObject", Obj)
            .Row("any other action denied", ExplicitDeny, Alice, "s3:PutObject", Obj);

        // IAM User Guide: NotResource, allow all of S3 except the payroll folder.
        Identity(cases, "NotResource", Doc("""{"Effect":"Allow","Action":"s3:*","NotResource":["arn:aws:s3:::HRBucket/Payroll","arn:aws:s3:::HRBucket/Payroll/*"]}"""))
            .Row("other object allowed", Allow, Alice, "s3:GetObject", "arn:aws:s3:::HRBucket/Reviews/2024.pdf")
            .Row("payroll object excluded", ImplicitDeny, Alice, "s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/march.csv")
            .Row("payroll folder excluded", ImplicitDeny, Alice, "s3:GetObject", "arn:aws:s3:::HRBucket/Payroll")
            .Row("NotResource does not widen the action", ImplicitDeny, Alice, "ec2:StopInstances", "*");

        Identity(cases, "Deny NotResource", AllowAll, Doc("""{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::safe/*"}"""))
            .Row("inside", Allow, Alice, "s3:GetObject", "arn:aws:s3:::safe/x")
            .Row("outside", ExplicitDeny, Alice, "s3:GetObject", "arn:aws:s3:::other/x");

        Identity(cases, "resource wildcards", Doc("""{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::logs/*","arn:aws:s3:::one/?","arn:aws:s3:::data-*"]}"""))
            .Row("* crosses slashes", Allow, Alice, "s3:GetObject", "arn:aws:s3:::logs/2024/01/02/a.gz")
            .Row("? matches one character", Allow, Alice, "s3:GetObject", "arn:aws:s3:::one/x")
            .Row("? does not match two", ImplicitDeny, Alice, "s3:GetObject", "arn:aws:s3:::one/xy")
            .Row("bucket wildcard", Allow, Alice, "s3:ListBucket", "arn:aws:s3:::data-lake")
            .Row("bucket pattern does not cover the bucket ARN without /", ImplicitDeny, Alice, "s3:ListBucket", "arn:aws:s3:::logs")
            .Row("ARNs are case-sensitive", ImplicitDeny, Alice, "s3:GetObject", "arn:aws:s3:::LOGS/a")
            .Row("wildcard-free action resource '*'", ImplicitDeny, Alice, "s3:ListAllMyBuckets", "*");
    }

    private static void Variables(List<DecisionCase> cases)
    {
        // IAM User Guide: policy variables in conditions and the default-value form.
        Identity(cases, "variables",
                AllowWhen("ec2:StartInstances", "*", """{"StringEquals":{"aws:ResourceTag/owner":"${aws:username}"}}"""),
                Doc("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::team/${aws:PrincipalTag/team, 'company-wide'}/*"}"""),
                Doc("""{"Effect":"Allow","Action":"s3:PutObject","Resource":["arn:aws:s3:::lit/${*}star","arn:aws:s3:::lit/q${?}${$}"]}"""),
                Doc("""{"Effect":"Allow","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::users/${aws:userid}/*"}"""),
                AllowWhen("s3:ListBucket", "arn:aws:s3:::shared", """{"StringLike":{"s3:prefix":"${aws:PrincipalTag/team}/*"}}"""),
                AllowWhen("sns:Publish", "*", """{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::${aws:PrincipalAccount}-*"}}"""))
            .Row("resource tag equals user name", Allow, Alice, "ec2:StartInstances", "*", "aws:ResourceTag/owner=alice")
            .Row("resource tag of someone else", ImplicitDeny, Alice, "ec2:StartInstances", "*", "aws:ResourceTag/owner=bob")
            .Row("role session has no user name", ImplicitDeny, Session, "ec2:StartInstances", "*", "aws:ResourceTag/owner=session1")
            .Row("principal tag substituted", Allow, Alice, "s3:GetObject", "arn:aws:s3:::team/eng/doc", "aws:PrincipalTag/team=eng")
            .Row("principal tag of another team", ImplicitDeny, Alice, "s3:GetObject", "arn:aws:s3:::team/ops/doc", "aws:PrincipalTag/team=eng")
            .Row("default used when tag absent", Allow, Alice, "s3:GetObject", "arn:aws:s3:::team/company-wide/doc")
            .Row("default not used when tag present", ImplicitDeny, Alice, "s3:GetObject", "arn:aws:s3:::team/company-wide/doc", "aws:PrincipalTag/team=eng")
            .Row("${*} is a literal star", Allow, Alice, "s3:PutObject", "arn:aws:s3:::lit/*star")
            .Row("${*} is not a wildcard", ImplicitDeny, Alice, "s3:PutObject", "arn:aws:s3:::lit/xstar")
            .Row("${?} and ${$} are literals", Allow, Alice, "s3:PutObject", "arn:aws:s3:::lit/q?$")
            .Row("${?} is not a wildcard", ImplicitDeny, Alice, "s3:PutObject", "arn:aws:s3:::lit/qx$")
            .Row("aws:userid of a role session", Allow, Session, "s3:DeleteObject", "arn:aws:s3:::users/AROAEXAMPLE:session1/x", "aws:userid=AROAEXAMPLE:session1")
            .Row("aws:userid absent", ImplicitDeny, Session, "s3:DeleteObject", "arn:aws:s3:::users/AROAEXAMPLE:session1/x")
            .Row("variable in StringLike", Allow, Alice, "s3:ListBucket", "arn:aws:s3:::shared", "aws:PrincipalTag/team=eng", "s3:prefix=eng/reports")
            .Row("variable in StringLike, other team", ImplicitDeny, Alice, "s3:ListBucket", "arn:aws:s3:::shared", "aws:PrincipalTag/team=eng", "s3:prefix=ops/reports")
            .Row("variable in ArnLike", Allow, Alice, "sns:Publish", "*", "aws:SourceArn=arn:aws:s3:::111122223333-uploads")
            .Row("variable in ArnLike, other account", ImplicitDeny, Alice, "sns:Publish", "*", "aws:SourceArn=arn:aws:s3:::444455556666-uploads");
    }

    private static void BucketPrincipals(List<DecisionCase> cases)
    {
        const string alice = """{"AWS":"arn:aws:iam::111122223333:user/alice"}""";
        Full(cases, "bucket policy names a user", [], BucketPolicy("Allow", alice), [])
            .Row("that user, no identity policy", Allow, Alice, "s3:GetObject", Obj)
            .Row("another user", ImplicitDeny, Bob, "s3:GetObject", Obj)
            .Row("anonymous", ImplicitDeny, null, "s3:GetObject", Obj)
            .Row("action not granted", ImplicitDeny, Alice, "s3:PutObject", Obj);

        Full(cases, "bucket policy names users in an array", [], BucketPolicy("Allow", """{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:user/bob"]}"""), [])
            .Row("second user", Allow, Bob, "s3:GetObject", Obj)
            .Row("user in another account", ImplicitDeny, Carol, "s3:GetObject", Obj);

        var role = BucketPolicy("Allow", $$"""{"AWS":"{{ReaderRole}}"}""");
        Full(cases, "bucket policy names a role", [], role, [])
            .Row("session of that role", Allow, Session, "s3:GetObject", Obj)
            .Row("user", ImplicitDeny, Alice, "s3:GetObject", Obj);
        Full(cases, "bucket policy names a role, session policy allows", [], role, [AllowS3])
            .Row("session policy also allows", Allow, Session, "s3:GetObject", Obj);
        Full(cases, "bucket policy names a role, session policy narrower", [], role, [Doc("""{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}""")])
            .Row("session policy does not allow", ImplicitDeny, Session, "s3:GetObject", Obj);

        var sessionArn = BucketPolicy("Allow", $$"""{"AWS":"{{ReaderSession}}"}""");
        Full(cases, "bucket policy names a role session", [], sessionArn, [Doc("""{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}""")])
            .Row("that session, despite its session policy", Allow, Session, "s3:GetObject", Obj)
            .Row("another session of the role", ImplicitDeny, OtherSession, "s3:GetObject", Obj);

        foreach (var (label, principal) in new[] { ("account ID", """{"AWS":"111122223333"}"""), ("account root ARN", """{"AWS":"arn:aws:iam::111122223333:root"}""") })
        {
            Full(cases, $"bucket policy names the {label}", [], BucketPolicy("Allow", principal), [])
                .Row("user without identity policy", ImplicitDeny, Alice, "s3:GetObject", Obj)
                .Row("root", Allow, Root, "s3:GetObject", Obj);
            Full(cases, $"bucket policy names the {label}, identity allows", [AllowS3], BucketPolicy("Allow", principal), [])
                .Row("user with identity policy", Allow, Alice, "s3:GetObject", Obj);
        }

        foreach (var (label, principal) in new[] { ("\"*\"", "\"*\""), ("{\"AWS\":\"*\"}", """{"AWS":"*"}""") })
        {
            Full(cases, $"public bucket policy {label}", [], BucketPolicy("Allow", principal), [])
                .Row("anonymous", Allow, null, "s3:GetObject", Obj)
                .Row("any user", Allow, Bob, "s3:GetObject", Obj)
                .Row("user of another account", Allow, Carol, "s3:GetObject", Obj)
                .Row("anonymous write not granted", ImplicitDeny, null, "s3:PutObject", Obj);
        }

        Full(cases, "public bucket policy with a narrower session policy", [], BucketPolicy("Allow", "\"*\""), [Doc("""{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}""")])
            .Row("session policy still limits the session", ImplicitDeny, Session, "s3:GetObject", Obj);

        Full(cases, "anonymous with identity policies", [AllowAll], null, [])
            .Row("identity policies never allow anonymous", ImplicitDeny, null, "s3:GetObject", Obj);

        Full(cases, "service principal", [], BucketPolicy("Allow", """{"Service":"logging.s3.amazonaws.com"}""", "s3:PutObject"), [])
            .Row("users are not the service", ImplicitDeny, Alice, "s3:PutObject", Obj)
            .Row("anonymous is not the service", ImplicitDeny, null, "s3:PutObject", Obj);

        // S3 User Guide: restrict to an IP range for everyone.
        Full(cases, "public bucket policy with SourceIp", [], BucketPolicy("Allow", "\"*\"", "s3:GetObject", """{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}"""), [])
            .Row("anonymous inside the range", Allow, null, "s3:GetObject", Obj, "aws:SourceIp=192.0.2.44")
            .Row("anonymous outside the range", ImplicitDeny, null, "s3:GetObject", Obj, "aws:SourceIp=198.51.100.2");

        Full(cases, "bucket policy denies the account", [AllowS3], BucketPolicy("Deny", """{"AWS":"111122223333"}""", "s3:DeleteObject"), [])
            .Row("users of the account are denied", ExplicitDeny, Alice, "s3:DeleteObject", Obj)
            .Row("root is denied", ExplicitDeny, Root, "s3:DeleteObject", Obj)
            .Row("other actions unaffected", Allow, Alice, "s3:GetObject", Obj);
    }

    private static void NotPrincipal(List<DecisionCase> cases)
    {
        // IAM User Guide: NotPrincipal with Deny must list the user and its account.
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"},
              {"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:root","{{ReaderRole}}","{{ReaderSession}}"]},
               "Action":"s3:*","Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"]}]}
            """;
        Full(cases, "NotPrincipal deny", [], policy, [])
            .Row("listed user exempt", Allow, Alice, "s3:GetObject", Obj)
            .Row("other user denied", ExplicitDeny, Bob, "s3:GetObject", Obj)
            .Row("anonymous denied", ExplicitDeny, null, "s3:GetObject", Obj)
            .Row("root exempt through the account", Allow, Root, "s3:GetObject", Obj)
            .Row("listed session and role exempt", Allow, Session, "s3:GetObject", Obj)
            .Row("other session of the listed role denied", ExplicitDeny, OtherSession, "s3:GetObject", Obj);

        var userOnly = $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/alice","{{ReaderSession}}","arn:aws:iam::111122223333:root"]},"Action":"s3:*","Resource":"*"},
              {"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/bob"},"Action":"s3:PutObject","Resource":"*"}]}
            """;
        Full(cases, "NotPrincipal deny without account or role", [AllowS3], userOnly, [])
            .Row("user listed without the account is still denied", ExplicitDeny, Bob, "s3:PutObject", Obj)
            .Row("session listed without its role is still denied", ExplicitDeny, Session, "s3:GetObject", Obj)
            .Row("user listed with the account is exempt", Allow, Alice, "s3:GetObject", Obj);
    }

    private static void SessionsAndDenies(List<DecisionCase> cases)
    {
        var onlyGet = Doc("""{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}""");
        Full(cases, "session policy narrows the role", [AllowS3], null, [onlyGet])
            .Row("allowed by both", Allow, Session, "s3:GetObject", Obj)
            .Row("allowed by role only", ImplicitDeny, Session, "s3:PutObject", Obj);
        Full(cases, "session policy cannot widen the role", [onlyGet], null, [AllowAll])
            .Row("allowed by session only", ImplicitDeny, Session, "s3:PutObject", Obj)
            .Row("allowed by both", Allow, Session, "s3:GetObject", Obj);
        Full(cases, "session policy deny", [AllowS3], null, [AllowS3, Doc("""{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}""")])
            .Row("denied by the session policy", ExplicitDeny, Session, "s3:DeleteObject", Obj)
            .Row("allowed otherwise", Allow, Session, "s3:PutObject", Obj);
        Full(cases, "no session policies", [AllowS3], null, [])
            .Row("role permissions apply in full", Allow, Session, "s3:PutObject", Obj);

        // IAM User Guide evaluation logic: an explicit deny in any policy overrides any allow.
        var denyDelete = Doc("""{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}""");
        Full(cases, "deny overrides allow across identity policies", [AllowAll, denyDelete], null, [])
            .Row("denied", ExplicitDeny, Alice, "s3:DeleteObject", Obj)
            .Row("other object", Allow, Alice, "s3:DeleteObject", "arn:aws:s3:::other/x");
        Full(cases, "bucket policy allow, identity deny", [denyDelete], BucketPolicy("Allow", """{"AWS":"arn:aws:iam::111122223333:user/alice"}""", "s3:*"), [])
            .Row("identity deny wins over exact principal grant", ExplicitDeny, Alice, "s3:DeleteObject", Obj)
            .Row("other action granted by the bucket", Allow, Alice, "s3:GetObject", Obj);
        Full(cases, "identity allow, bucket policy deny", [AllowAll], BucketPolicy("Deny", "\"*\"", "s3:DeleteObject"), [])
            .Row("bucket deny wins", ExplicitDeny, Alice, "s3:DeleteObject", Obj)
            .Row("bucket deny applies to root", ExplicitDeny, Root, "s3:DeleteObject", Obj)
            .Row("not denied action", Allow, Alice, "s3:GetObject", Obj);
        Full(cases, "root", [], null, [])
            .Row("root needs no identity policy", Allow, Root, "s3:DeleteBucket", Bucket)
            .Row("a user does", ImplicitDeny, Alice, "s3:DeleteBucket", Bucket);
        Full(cases, "no policies", [], null, [])
            .Row("implicit deny", ImplicitDeny, Alice, "s3:GetObject", Obj);
    }

    private static void TrustPolicies(List<DecisionCase> cases)
    {
        const string roleArn = "arn:aws:iam::111122223333:role/deploy";
        var trustUser = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"sts:AssumeRole",
              "Condition":{"StringEquals":{"sts:ExternalId":"Unique-Id-1"}}}]}
            """;
        Full(cases, "trust policy names a user", [], trustUser, [], PolicyKind.Trust)
            .Row("that user with the external ID", Allow, Alice, "sts:AssumeRole", roleArn, "sts:ExternalId=Unique-Id-1")
            .Row("wrong external ID", ImplicitDeny, Alice, "sts:AssumeRole", roleArn, "sts:ExternalId=other")
            .Row("other action", ImplicitDeny, Alice, "sts:TagSession", roleArn, "sts:ExternalId=Unique-Id-1");
        Full(cases, "trust policy names a user, other user has identity allow", [Doc("""{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}""")], trustUser, [], PolicyKind.Trust)
            .Row("identity allow is not enough without trust", ImplicitDeny, Bob, "sts:AssumeRole", roleArn, "sts:ExternalId=Unique-Id-1");

        var trustAccount = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":["sts:AssumeRole","sts:TagSession"]}}""";
        Full(cases, "trust policy names the account", [], trustAccount, [], PolicyKind.Trust)
            .Row("user without identity allow", ImplicitDeny, Bob, "sts:AssumeRole", roleArn);
        Full(cases, "trust policy names the account, identity allows", [Doc("""{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::111122223333:role/deploy"}""")], trustAccount, [], PolicyKind.Trust)
            .Row("user with identity allow", Allow, Bob, "sts:AssumeRole", roleArn)
            .Row("identity allow for another role", ImplicitDeny, Bob, "sts:AssumeRole", "arn:aws:iam::111122223333:role/admin");

        Full(cases, "trust policy for a service", [AllowAll], """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}""", [], PolicyKind.Trust)
            .Row("users cannot assume a service role", ImplicitDeny, Alice, "sts:AssumeRole", roleArn);
    }
}
