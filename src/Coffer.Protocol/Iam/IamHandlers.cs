using Coffer.Identity.Iam;
using Coffer.Policy;
using Coffer.Protocol.Query;
using Coffer.Protocol.Xml;

namespace Coffer.Protocol.Iam;

/// <summary>The IAM operations: validate parameters, call the store, describe the result in IAM's XML.</summary>
internal sealed partial class IamHandlers(IamStore store)
{
    public const int ManagedPolicyLimit = 6144;
    public const int UserInlineLimit = 2048;
    public const int GroupInlineLimit = 5120;
    public const int RoleInlineLimit = 10240;
    public const int TrustPolicyLimit = 2048;

    public Task<Action<XmlBuilder>?> DispatchAsync(IamContext c) => c.Operation switch
    {
        IamOperation.CreateUser => CreateUserAsync(c),
        IamOperation.GetUser => GetUserAsync(c),
        IamOperation.ListUsers => ListUsersAsync(c),
        IamOperation.UpdateUser => UpdateUserAsync(c),
        IamOperation.DeleteUser => Done(store.DeleteUserAsync(UserName(c), c.Aborted)),
        IamOperation.TagUser => Done(store.TagAsync(IamEntityKind.User, UserName(c), Tags(c), c.Aborted)),
        IamOperation.UntagUser => Done(store.UntagAsync(IamEntityKind.User, UserName(c), TagKeys(c), c.Aborted)),
        IamOperation.ListUserTags => ListTagsAsync(c, IamEntityKind.User, UserName(c)),
        IamOperation.CreateAccessKey => CreateAccessKeyAsync(c),
        IamOperation.ListAccessKeys => ListAccessKeysAsync(c),
        IamOperation.UpdateAccessKey => UpdateAccessKeyAsync(c),
        IamOperation.DeleteAccessKey => Done(store.DeleteAccessKeyAsync(c.UserNameOrCaller(), AccessKeyId(c), c.Aborted)),
        IamOperation.GetAccessKeyLastUsed => GetAccessKeyLastUsedAsync(c),
        IamOperation.CreatePolicy => CreatePolicyAsync(c),
        IamOperation.GetPolicy => GetPolicyAsync(c),
        IamOperation.GetPolicyVersion => GetPolicyVersionAsync(c),
        IamOperation.ListPolicies => ListPoliciesAsync(c),
        IamOperation.ListPolicyVersions => ListPolicyVersionsAsync(c),
        IamOperation.CreatePolicyVersion => CreatePolicyVersionAsync(c),
        IamOperation.SetDefaultPolicyVersion => Done(store.SetDefaultPolicyVersionAsync(PolicyArn(c), VersionId(c), c.Aborted)),
        IamOperation.DeletePolicyVersion => Done(store.DeletePolicyVersionAsync(PolicyArn(c), VersionId(c), c.Aborted)),
        IamOperation.DeletePolicy => Done(store.DeletePolicyAsync(PolicyArn(c), c.Aborted)),
        IamOperation.ListEntitiesForPolicy => ListEntitiesForPolicyAsync(c),
        IamOperation.AttachUserPolicy => Done(store.AttachPolicyAsync(IamEntityKind.User, UserName(c), PolicyArn(c), c.Aborted)),
        IamOperation.AttachGroupPolicy => Done(store.AttachPolicyAsync(IamEntityKind.Group, GroupName(c), PolicyArn(c), c.Aborted)),
        IamOperation.AttachRolePolicy => Done(store.AttachPolicyAsync(IamEntityKind.Role, RoleName(c), PolicyArn(c), c.Aborted)),
        IamOperation.DetachUserPolicy => Done(store.DetachPolicyAsync(IamEntityKind.User, UserName(c), PolicyArn(c), c.Aborted)),
        IamOperation.DetachGroupPolicy => Done(store.DetachPolicyAsync(IamEntityKind.Group, GroupName(c), PolicyArn(c), c.Aborted)),
        IamOperation.DetachRolePolicy => Done(store.DetachPolicyAsync(IamEntityKind.Role, RoleName(c), PolicyArn(c), c.Aborted)),
        IamOperation.ListAttachedUserPolicies => ListAttachedAsync(c, IamEntityKind.User, UserName(c)),
        IamOperation.ListAttachedGroupPolicies => ListAttachedAsync(c, IamEntityKind.Group, GroupName(c)),
        IamOperation.ListAttachedRolePolicies => ListAttachedAsync(c, IamEntityKind.Role, RoleName(c)),
        IamOperation.PutUserPolicy => PutInlineAsync(c, IamEntityKind.User, UserName(c), UserInlineLimit),
        IamOperation.PutGroupPolicy => PutInlineAsync(c, IamEntityKind.Group, GroupName(c), GroupInlineLimit),
        IamOperation.PutRolePolicy => PutInlineAsync(c, IamEntityKind.Role, RoleName(c), RoleInlineLimit),
        IamOperation.GetUserPolicy => GetInlineAsync(c, IamEntityKind.User, UserName(c), "UserName"),
        IamOperation.GetGroupPolicy => GetInlineAsync(c, IamEntityKind.Group, GroupName(c), "GroupName"),
        IamOperation.GetRolePolicy => GetInlineAsync(c, IamEntityKind.Role, RoleName(c), "RoleName"),
        IamOperation.ListUserPolicies => ListInlineAsync(c, IamEntityKind.User, UserName(c)),
        IamOperation.ListGroupPolicies => ListInlineAsync(c, IamEntityKind.Group, GroupName(c)),
        IamOperation.ListRolePolicies => ListInlineAsync(c, IamEntityKind.Role, RoleName(c)),
        IamOperation.DeleteUserPolicy => Done(store.DeleteInlinePolicyAsync(IamEntityKind.User, UserName(c), PolicyName(c), c.Aborted)),
        IamOperation.DeleteGroupPolicy => Done(store.DeleteInlinePolicyAsync(IamEntityKind.Group, GroupName(c), PolicyName(c), c.Aborted)),
        IamOperation.DeleteRolePolicy => Done(store.DeleteInlinePolicyAsync(IamEntityKind.Role, RoleName(c), PolicyName(c), c.Aborted)),
        IamOperation.CreateGroup => CreateGroupAsync(c),
        IamOperation.GetGroup => GetGroupAsync(c),
        IamOperation.ListGroups => ListGroupsAsync(c),
        IamOperation.DeleteGroup => Done(store.DeleteGroupAsync(GroupName(c), c.Aborted)),
        IamOperation.AddUserToGroup => Done(store.AddUserToGroupAsync(GroupName(c), UserName(c), c.Aborted)),
        IamOperation.RemoveUserFromGroup => Done(store.RemoveUserFromGroupAsync(GroupName(c), UserName(c), c.Aborted)),
        IamOperation.ListGroupsForUser => ListGroupsForUserAsync(c),
        IamOperation.CreateRole => CreateRoleAsync(c),
        IamOperation.GetRole => GetRoleAsync(c),
        IamOperation.ListRoles => ListRolesAsync(c),
        IamOperation.UpdateRole => UpdateRoleAsync(c),
        IamOperation.UpdateAssumeRolePolicy => UpdateAssumeRolePolicyAsync(c),
        IamOperation.DeleteRole => Done(store.DeleteRoleAsync(RoleName(c), c.Aborted)),
        IamOperation.TagRole => Done(store.TagAsync(IamEntityKind.Role, RoleName(c), Tags(c), c.Aborted)),
        IamOperation.UntagRole => Done(store.UntagAsync(IamEntityKind.Role, RoleName(c), TagKeys(c), c.Aborted)),
        IamOperation.ListRoleTags => ListTagsAsync(c, IamEntityKind.Role, RoleName(c)),
        IamOperation.SimulatePrincipalPolicy => SimulatePrincipalPolicyAsync(c),
        IamOperation.SimulateCustomPolicy => SimulateCustomPolicyAsync(c),
        _ => throw new QueryException("InvalidAction", 400, $"Could not find operation {c.Operation} for version {IamEndpoint.Version}"),
    };

    private static async Task<Action<XmlBuilder>?> Done(Task work)
    {
        await work.ConfigureAwait(false);
        return null;
    }

    private static string UserName(IamContext c) => IamValidation.UserName(c.Request.Required("UserName"));

    private static string GroupName(IamContext c) => IamValidation.GroupName(c.Request.Required("GroupName"));

    private static string RoleName(IamContext c) => IamValidation.RoleName(c.Request.Required("RoleName"));

    private static string PolicyName(IamContext c) => IamValidation.PolicyName(c.Request.Required("PolicyName"));

    private static string PolicyArn(IamContext c) => IamValidation.PolicyArn(c.Request.Required("PolicyArn"));

    private static string VersionId(IamContext c) => IamValidation.VersionId(c.Request.Required("VersionId"));

    private static string AccessKeyId(IamContext c) => IamValidation.AccessKeyId(c.Request.Required("AccessKeyId"));

    private static string Path(IamContext c, string name = "Path") => c.Request.Get(name) is { } path ? IamValidation.Path(path, char.ToLowerInvariant(name[0]) + name[1..]) : "/";

    private static string PathPrefix(IamContext c) => c.Request.Get("PathPrefix") is { } prefix ? IamValidation.PathPrefix(prefix) : "/";

    private static int MaxItems(IamContext c) => c.Request.Int("MaxItems", 1, 1000) ?? 100;

    private static string? Marker(IamContext c) => c.Request.Get("Marker") is { } marker
        ? marker.Length is > 0 and <= 320 ? marker : throw QueryException.Constraint("marker", marker.Length > 64 ? marker[..64] : marker, "must have length less than or equal to 320")
        : null;

    private static IReadOnlyList<KeyValuePair<string, string>> Tags(IamContext c)
    {
        var tags = c.Request.Tags();
        IamValidation.Tags(tags);
        return tags;
    }

    private static IReadOnlyList<string> TagKeys(IamContext c)
    {
        var keys = c.Request.List("TagKeys");
        if (keys.Count > 50)
        {
            throw QueryException.Constraint("tagKeys", "[...]", "must have length less than or equal to 50");
        }

        foreach (var key in keys)
        {
            IamValidation.TagKey(key);
        }

        return keys;
    }

    /// <summary>A document within IAM's size limit for its place, and valid in the policy grammar.</summary>
    private static string Document(IamContext c, string parameter, PolicyKind kind, int limit, string limitMessage)
    {
        var member = char.ToLowerInvariant(parameter[0]) + parameter[1..];
        var document = IamValidation.PolicyDocument(c.Request.Required(parameter), member);
        IamStore.ValidatePolicy(document, kind, limit, limitMessage);
        return document;
    }
}
