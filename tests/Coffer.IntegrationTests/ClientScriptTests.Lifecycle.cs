using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Bucket lifecycle configuration, driven by both generations of boto3 and the aws cli.</summary>
public sealed partial class ClientScriptTests
{
    /// <summary>
    /// scripts/lifecycle.py: Put/Get/DeleteBucketLifecycleConfiguration round trips, the minimum
    /// object size header, S3's validation errors, a missing Content-MD5, and IAM denial.
    /// </summary>
    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task LifecycleBoto3Session_PassesEveryCheck(string python)
    {
        var executable = await Boto3PythonAsync(python);

        await RunSessionAsync(executable, executable, [ScriptPath("lifecycle.py")]);
    }

    /// <summary>scripts/lifecycle_cli.sh: s3api put/get/delete-bucket-lifecycle-configuration and errors.</summary>
    [Theory]
    [MemberData(nameof(AwsClis))]
    public async Task LifecycleAwsCliSession_PassesEveryCheck(string aws)
    {
        var (executable, bash) = AwsCliAndBash(aws);

        await RunSessionAsync(executable, bash, [ScriptPath("lifecycle_cli.sh"), executable]);
    }
}
