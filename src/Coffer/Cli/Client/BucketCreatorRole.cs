using System.Text.Json.Nodes;

namespace Coffer.Cli.Client;

/// <summary>
/// The role through which <c>coffer user create --own-bucket</c> makes buckets: it may create a
/// bucket and set its encryption and policy, nothing else, so the administrator's own broader
/// rights are not what creates tenants' buckets.
/// </summary>
internal static class BucketCreatorRole
{
    public const string Name = "coffer-bucket-creator";
    private const string PolicyName = "create-buckets";

    /// <summary>Creates the role unless it exists; the undo of a creation deletes it again.</summary>
    public static async Task EnsureAsync(CofferClient client, UndoableSteps steps, CancellationToken cancellationToken)
    {
        try
        {
            await client.QueryAsync("iam", "GetRole", [new("RoleName", Name)], cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (CofferApiException e) when (e.Code == "NoSuchEntity")
        {
        }

        var account = await client.AccountIdAsync(cancellationToken).ConfigureAwait(false);
        await steps.RunAsync(
            $"create role {Name}",
            () => client.QueryAsync("iam", "CreateRole", [
                new("RoleName", Name),
                new("Path", TenantSpace.PolicyPath),
                new("Description", "Creates users' own buckets for coffer user create"),
                new("AssumeRolePolicyDocument", Document(new JsonObject
                {
                    ["Effect"] = "Allow",
                    ["Principal"] = new JsonObject { ["AWS"] = $"arn:aws:iam::{account}:root" },
                    ["Action"] = "sts:AssumeRole",
                })),
            ], cancellationToken),
            (_, ct) => client.QueryAsync("iam", "DeleteRole", [new("RoleName", Name)], ct)).ConfigureAwait(false);
        await steps.RunAsync(
            $"give role {Name} its policy",
            () => client.QueryAsync("iam", "PutRolePolicy", [
                new("RoleName", Name),
                new("PolicyName", PolicyName),
                new("PolicyDocument", Document(new JsonObject
                {
                    ["Effect"] = "Allow",
                    ["Action"] = new JsonArray("s3:CreateBucket", "s3:PutEncryptionConfiguration", "s3:PutBucketPolicy"),
                    ["Resource"] = "arn:aws:s3:::*",
                })),
            ], cancellationToken),
            (_, ct) => client.QueryAsync("iam", "DeleteRolePolicy", [new("RoleName", Name), new("PolicyName", PolicyName)], ct)).ConfigureAwait(false);
    }

    private static string Document(JsonObject statement) =>
        new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray(statement) }.ToJsonString();
}
