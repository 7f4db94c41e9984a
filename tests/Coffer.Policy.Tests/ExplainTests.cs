namespace Coffer.Policy.Tests;

public sealed class ExplainTests
{
    private static readonly CallerIdentity Alice = new("111122223333", "arn:aws:iam::111122223333:user/alice", false);

    private const string Policy = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "ReadAll",
              "Effect": "Allow",
              "Action": "s3:GetObject",
              "Resource": "*"
            },
            { "Sid": "DenyOutside", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
              "Condition": { "NotIpAddress": { "aws:SourceIp": "192.0.2.0/24" } } },
            { "Sid": "DenyHttp", "Effect": "Deny", "Action": "s3:*", "Resource": "*",
              "Condition": { "Bool": { "aws:SecureTransport": "false" } } },
            { "Sid": "Team", "Effect": "Allow", "Action": "s3:PutObject",
              "Resource": "arn:aws:s3:::b/${aws:PrincipalTag/team}/*",
              "Condition": { "StringEqualsIfExists": { "s3:x-amz-acl": "private" } } }
          ]
        }
        """;

    private static AuthorizationRequest Request(string action, string resource, params (string Key, string Value)[] keys)
    {
        var context = new ContextKeys();
        foreach (var (key, value) in keys)
        {
            context.Set(key, value);
        }

        return new AuthorizationRequest
        {
            Context = new RequestContext { Action = action, Resource = resource, Caller = Alice, Keys = context },
            IdentityPolicies = [new PolicySource("arn:aws:iam::111122223333:policy/p", PolicySourceType.UserManaged, PolicyDocument.Parse(Policy, PolicyKind.Identity))],
        };
    }

    [Fact]
    public void Explain_Allow_ReportsAllowStatementPositions()
    {
        var evaluation = PolicyEvaluator.Explain(Request("s3:GetObject", "arn:aws:s3:::b/k", ("aws:SourceIp", "192.0.2.1"), ("aws:SecureTransport", "true")));

        Assert.Equal(Decision.Allow, evaluation.Decision);
        var match = Assert.Single(evaluation.MatchedStatements);
        Assert.Equal("ReadAll", match.Statement.Sid);
        Assert.Equal("arn:aws:iam::111122223333:policy/p", match.Source.Id);
        Assert.Equal(new PolicyPosition(4, 5), match.Statement.Start);
        Assert.Equal(new PolicyPosition(9, 5), match.Statement.End);
        Assert.Empty(evaluation.MissingContextKeys);
    }

    [Fact]
    public void Explain_ExplicitDeny_ReportsEveryMatchingDeny()
    {
        var evaluation = PolicyEvaluator.Explain(Request("s3:GetObject", "arn:aws:s3:::b/k", ("aws:SourceIp", "198.51.100.1"), ("aws:SecureTransport", "false")));

        Assert.Equal(Decision.ExplicitDeny, evaluation.Decision);
        Assert.Equal(["DenyOutside", "DenyHttp"], evaluation.MatchedStatements.Select(m => m.Statement.Sid));
        Assert.Equal(new PolicyPosition(10, 5), evaluation.MatchedStatements[0].Statement.Start);
        Assert.Equal(new PolicyPosition(11, 75), evaluation.MatchedStatements[0].Statement.End);
        Assert.Equal(new PolicyPosition(12, 5), evaluation.MatchedStatements[1].Statement.Start);
        Assert.Equal(PolicyEvaluator.Decide(Request("s3:GetObject", "arn:aws:s3:::b/k", ("aws:SourceIp", "198.51.100.1"))), evaluation.Decision);
    }

    [Fact]
    public void Explain_MissingKeys_ListsConditionKeysOfStatementsThatMatched()
    {
        var evaluation = PolicyEvaluator.Explain(Request("s3:PutObject", "arn:aws:s3:::b/eng/x", ("aws:PrincipalTag/team", "eng")));

        // NotIpAddress with no source IP is true, so the deny applies; the keys are still reported.
        Assert.Equal(Decision.ExplicitDeny, evaluation.Decision);
        Assert.Equal(["aws:SecureTransport", "aws:SourceIp", "s3:x-amz-acl"], evaluation.MissingContextKeys);
    }

    [Fact]
    public void Explain_MissingKeys_ListsUnresolvedPolicyVariables()
    {
        var evaluation = PolicyEvaluator.Explain(Request("s3:PutObject", "arn:aws:s3:::b/eng/x", ("aws:SourceIp", "192.0.2.1"), ("aws:SecureTransport", "true")));

        // Without the tag the Team statement's resource cannot match, so its condition is never reached.
        Assert.Equal(Decision.ImplicitDeny, evaluation.Decision);
        Assert.Equal(["aws:PrincipalTag/team"], evaluation.MissingContextKeys);
    }

    [Fact]
    public void Explain_ImplicitDeny_HasNoMatchedStatements()
    {
        var evaluation = PolicyEvaluator.Explain(Request("s3:DeleteObject", "arn:aws:s3:::b/k", ("aws:SourceIp", "192.0.2.1"), ("aws:SecureTransport", "true")));

        Assert.Equal(Decision.ImplicitDeny, evaluation.Decision);
        Assert.Empty(evaluation.MatchedStatements);
    }

    [Fact]
    public void Explain_UnrelatedAction_ReportsNoMissingKeys()
    {
        var evaluation = PolicyEvaluator.Explain(Request("ec2:StopInstances", "*"));

        Assert.Equal(Decision.ImplicitDeny, evaluation.Decision);
        Assert.Empty(evaluation.MissingContextKeys);
    }
}
