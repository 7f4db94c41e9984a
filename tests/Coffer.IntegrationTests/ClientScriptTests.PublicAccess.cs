using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Block Public Access and disabled ACLs, driven by both generations of boto3 and the aws cli.</summary>
public sealed partial class ClientScriptTests
{
    /// <summary>scripts/public_access.py: blocks, public policies, policy status, ACLs and ownership controls with boto3.</summary>
    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task PublicAccessBoto3Session_PassesEveryCheck(string python)
    {
        var executable = await Boto3PythonAsync(python);

        await RunSessionAsync(executable, executable, [ScriptPath("public_access.py")]);
    }

    /// <summary>
    /// scripts/public_access_cli.sh: the s3api public-access-block, policy-status, ACL and ownership
    /// commands, <c>aws s3 cp --acl</c>, and anonymous GETs with curl.
    /// </summary>
    [Theory]
    [MemberData(nameof(AwsClis))]
    public async Task PublicAccessAwsCliSession_PassesEveryCheck(string aws)
    {
        var (executable, bash) = AwsCliAndBash(aws);
        RequireExecutable("curl", "apt-get install curl");

        await RunSessionAsync(executable, bash, [ScriptPath("public_access_cli.sh"), executable]);
    }
}
