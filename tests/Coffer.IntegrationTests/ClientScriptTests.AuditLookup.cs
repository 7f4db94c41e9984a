using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>CloudTrail LookupEvents, driven by both generations of boto3 and the aws cli.</summary>
public sealed partial class ClientScriptTests
{
    /// <summary>
    /// scripts/audit_lookup.py: client("cloudtrail").lookup_events with each lookup attribute, its
    /// paginator, Coffer's extra keys, CloudTrail's errors, and a user without the permission refused.
    /// </summary>
    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task AuditLookupBoto3Session_PassesEveryCheck(string python)
    {
        var executable = await Boto3PythonAsync(python);

        await RunSessionAsync(executable, executable, [ScriptPath("audit_lookup.py")]);
    }

    /// <summary>scripts/audit_lookup_cli.sh: aws cloudtrail lookup-events with attributes, paging, --max-items and errors.</summary>
    [Theory]
    [MemberData(nameof(AwsClis))]
    public async Task AuditLookupAwsCliSession_PassesEveryCheck(string aws)
    {
        var (executable, bash) = AwsCliAndBash(aws);

        await RunSessionAsync(executable, bash, [ScriptPath("audit_lookup_cli.sh"), executable]);
    }
}
