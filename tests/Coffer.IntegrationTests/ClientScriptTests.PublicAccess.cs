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
        var executable = RequireExecutable(python, python == "python3" ? "put a python3 with boto3 first on PATH" : "apt-get install python3-boto3");
        await RequireSuccessAsync(executable, ["-c", "import boto3, botocore"], $"{python} cannot import boto3");
        if (python == "python3")
        {
            RequireOtherThan(executable, "/usr/bin/python3", "the current-generation run would repeat Debian's boto3 1.26: put a python3 with current boto3 first on PATH");
        }

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
        var executable = RequireExecutable(aws, aws == "aws" ? "put aws cli v1 first on PATH (pip install awscli)" : "apt-get install awscli");
        var bash = RequireExecutable("bash", "apt-get install bash");
        RequireExecutable("curl", "apt-get install curl");
        if (aws == "aws")
        {
            RequireOtherThan(executable, "/usr/bin/aws", "the current-generation run would repeat Debian's aws cli v2.9: put aws cli v1 first on PATH");
        }

        await RunSessionAsync(executable, bash, [ScriptPath("public_access_cli.sh"), executable]);
    }
}
