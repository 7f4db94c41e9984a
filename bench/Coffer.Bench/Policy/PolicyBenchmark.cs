using System.Diagnostics;
using Coffer.Policy;

namespace Coffer.Bench.Policy;

/// <summary>
/// Decisions per second of <see cref="PolicyEvaluator.Decide"/> for a typical user: three attached
/// policies, ten statements in all, two conditions; single thread, one allowed and one denied request.
/// </summary>
internal static class PolicyBenchmark
{
    private const string ReadWrite = """
        {"Version":"2012-10-17","Statement":[
          {"Sid":"List","Effect":"Allow","Action":["s3:ListBucket","s3:GetBucketLocation"],"Resource":"arn:aws:s3:::team-data"},
          {"Sid":"Read","Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::team-data/*"},
          {"Sid":"Write","Effect":"Allow","Action":["s3:PutObject","s3:AbortMultipartUpload"],"Resource":"arn:aws:s3:::team-data/home/${aws:username}/*"},
          {"Sid":"Buckets","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}
        """;

    private const string Guardrails = """
        {"Version":"2012-10-17","Statement":[
          {"Sid":"DenyOutsideOffice","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}},
          {"Sid":"DenyHttp","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},
          {"Sid":"DenyDeletes","Effect":"Deny","Action":["s3:DeleteObject","s3:DeleteBucket"],"Resource":"arn:aws:s3:::team-data*"}]}
        """;

    private const string SelfService = """
        {"Version":"2012-10-17","Statement":[
          {"Sid":"OwnKeys","Effect":"Allow","Action":["iam:*AccessKey*","iam:GetUser"],"Resource":"arn:aws:iam::111122223333:user/${aws:username}"},
          {"Sid":"ListPolicies","Effect":"Allow","Action":["iam:ListPolicies","iam:GetPolicy*"],"Resource":"*"},
          {"Sid":"NoIam","Effect":"Deny","Action":["iam:Create*","iam:Attach*"],"NotResource":"arn:aws:iam::111122223333:user/${aws:username}"}]}
        """;

    public static int Run(TimeSpan duration, TextWriter output)
    {
        var caller = new CallerIdentity("111122223333", "arn:aws:iam::111122223333:user/alice", false);
        PolicySource[] policies =
        [
            new("arn:aws:iam::111122223333:policy/read-write", PolicySourceType.UserManaged, PolicyDocument.Parse(ReadWrite, PolicyKind.Identity)),
            new("arn:aws:iam::111122223333:policy/guardrails", PolicySourceType.UserManaged, PolicyDocument.Parse(Guardrails, PolicyKind.Identity)),
            new("arn:aws:iam::111122223333:policy/self-service", PolicySourceType.UserManaged, PolicyDocument.Parse(SelfService, PolicyKind.Identity)),
        ];

        var keys = new ContextKeys();
        keys.Set("aws:username", "alice");
        keys.Set("aws:SourceIp", "192.0.2.17");
        keys.Set("aws:SecureTransport", "true");

        var allowed = Request("s3:PutObject", "arn:aws:s3:::team-data/home/alice/report.csv");
        var denied = Request("s3:DeleteObject", "arn:aws:s3:::team-data/home/alice/report.csv");

        output.WriteLine($"policy: 3 policies, 10 statements, 2 conditions; {duration.TotalSeconds:0.#} s per request, single thread");
        var ok = Measure("allowed", allowed, Decision.Allow, duration, output);
        ok &= Measure("denied", denied, Decision.ExplicitDeny, duration, output);
        return ok ? 0 : 1;

        AuthorizationRequest Request(string action, string resource) => new()
        {
            Context = new RequestContext { Action = action, Resource = resource, Caller = caller, Keys = keys },
            IdentityPolicies = policies,
        };
    }

    private static bool Measure(string name, AuthorizationRequest request, Decision expected, TimeSpan duration, TextWriter output)
    {
        var decision = PolicyEvaluator.Decide(request);
        if (decision != expected)
        {
            output.WriteLine($"  {name}: expected {expected}, got {decision}");
            return false;
        }

        // Warm up so the JIT has tiered up before the measured run.
        for (var i = 0; i < 200_000; i++)
        {
            PolicyEvaluator.Decide(request);
        }

        const int Batch = 10_000;
        long decisions = 0;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < Batch; i++)
            {
                PolicyEvaluator.Decide(request);
            }

            decisions += Batch;
        }

        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var perSecond = decisions / watch.Elapsed.TotalSeconds;
        output.WriteLine(
            $"  {name,-8} {decision,-12} {perSecond,14:N0} decisions/s  {1e9 / perSecond,8:N0} ns/decision  {(double)allocated / decisions,6:0.##} B/decision");
        return true;
    }
}
