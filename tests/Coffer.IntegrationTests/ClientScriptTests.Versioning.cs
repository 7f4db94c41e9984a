using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Bucket versioning, driven by both generations of boto3 and the aws cli.</summary>
public sealed partial class ClientScriptTests
{
    /// <summary>
    /// scripts/versioning_session.py: the configuration, overwrites read back by id, delete markers,
    /// copy from an older version, DeleteObjects with ids, the suspended null version, bad and
    /// unknown ids, and ListObjectVersions through boto3's paginator.
    /// </summary>
    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task VersioningBoto3Session_PassesEveryCheck(string python)
    {
        var executable = await Boto3PythonAsync(python);

        await RunSessionAsync(executable, executable, [ScriptPath("versioning_session.py")]);
    }

    /// <summary>
    /// scripts/versioning_session_cli.sh: the same with <c>aws s3api</c>, plus list-object-versions
    /// paged by the cli (--page-size, --max-items) and by hand (--max-keys with the markers) over
    /// 400 entries, and <c>aws s3 rm</c> writing a delete marker; curl for the raw 404 headers.
    /// </summary>
    [Theory]
    [MemberData(nameof(AwsClis))]
    public async Task VersioningAwsCliSession_PassesEveryCheck(string aws)
    {
        var (executable, bash) = AwsCliAndBash(aws);
        RequireExecutable("curl", "apt-get install curl");
        RequireExecutable("python3", "apt-get install python3");

        await RunSessionAsync(executable, bash, [ScriptPath("versioning_session_cli.sh"), executable]);
    }
}
