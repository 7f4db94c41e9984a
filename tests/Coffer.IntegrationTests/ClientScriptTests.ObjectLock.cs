using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Object lock, driven by both generations of boto3 and the aws cli.</summary>
public sealed partial class ClientScriptTests
{
    /// <summary>
    /// scripts/object_lock.py: a bucket created with object lock, the default retention, retention
    /// and legal hold per version, governance bypass, compliance refusing everyone, and the errors.
    /// </summary>
    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task ObjectLockBoto3Session_PassesEveryCheck(string python)
    {
        var executable = await Boto3PythonAsync(python);

        await RunSessionAsync(executable, executable, [ScriptPath("object_lock.py")]);
    }

    /// <summary>
    /// scripts/object_lock_cli.sh: create-bucket --object-lock-enabled-for-bucket, the lock
    /// configuration, put-object's --object-lock-* options, retention, legal hold and deletes.
    /// </summary>
    [Theory]
    [MemberData(nameof(AwsClis))]
    public async Task ObjectLockAwsCliSession_PassesEveryCheck(string aws)
    {
        var (executable, bash) = AwsCliAndBash(aws);
        RequireExecutable("openssl", "apt-get install openssl");

        await RunSessionAsync(executable, bash, [ScriptPath("object_lock_cli.sh"), executable]);
    }
}
