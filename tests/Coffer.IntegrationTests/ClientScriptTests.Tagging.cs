using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Object tagging, driven by both generations of boto3 and the aws cli.</summary>
public sealed partial class ClientScriptTests
{
    /// <summary>
    /// scripts/tagging.py: tags per version, x-amz-tagging on PutObject and multipart uploads, the
    /// copy tagging directive, x-amz-tagging-count, limits, and policies on existing and request tags.
    /// </summary>
    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task TaggingBoto3Session_PassesEveryCheck(string python)
    {
        var executable = RequireExecutable(python, python == "python3" ? "put a python3 with boto3 first on PATH" : "apt-get install python3-boto3");
        await RequireSuccessAsync(executable, ["-c", "import boto3, botocore"], $"{python} cannot import boto3");
        if (python == "python3")
        {
            RequireOtherThan(executable, "/usr/bin/python3", "the current-generation run would repeat Debian's boto3 1.26: put a python3 with current boto3 first on PATH");
        }

        await RunSessionAsync(executable, executable, [ScriptPath("tagging.py")]);
    }

    /// <summary>
    /// scripts/tagging_cli.sh: s3api put/get/delete-object-tagging, put-object and
    /// create-multipart-upload with --tagging, copy-object's --tagging-directive, and errors.
    /// </summary>
    [Theory]
    [MemberData(nameof(AwsClis))]
    public async Task TaggingAwsCliSession_PassesEveryCheck(string aws)
    {
        var executable = RequireExecutable(aws, aws == "aws" ? "put aws cli v1 first on PATH (pip install awscli)" : "apt-get install awscli");
        var bash = RequireExecutable("bash", "apt-get install bash");
        if (aws == "aws")
        {
            RequireOtherThan(executable, "/usr/bin/aws", "the current-generation run would repeat Debian's aws cli v2.9: put aws cli v1 first on PATH");
        }

        await RunSessionAsync(executable, bash, [ScriptPath("tagging_cli.sh"), executable]);
    }
}
