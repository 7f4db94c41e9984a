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
        var executable = await Boto3PythonAsync(python);

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
        var (executable, bash) = AwsCliAndBash(aws);

        await RunSessionAsync(executable, bash, [ScriptPath("tagging_cli.sh"), executable]);
    }
}
