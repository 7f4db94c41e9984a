using Coffer.Identity;
using Coffer.Identity.Iam;
using Coffer.Protocol.Query;
using Coffer.Protocol.Xml;

namespace Coffer.Protocol.Iam;

internal sealed partial class IamHandlers
{
    private async Task<Action<XmlBuilder>?> CreateUserAsync(IamContext c)
    {
        var user = await store.CreateUserAsync(UserName(c), Path(c), Tags(c), c.Aborted).ConfigureAwait(false);
        return xml => IamXml.User(xml, "User", user, withTags: true);
    }

    private async Task<Action<XmlBuilder>?> GetUserAsync(IamContext c)
    {
        if (c.Request.Get("UserName") is null && c.Principal.IsRoot)
        {
            // The root user, as AWS describes it when root calls GetUser without a name.
            var root = c.Principal;
            return xml => xml.Start("User").Element("UserId", root.AccountId).Element("Arn", root.Arn).End("User");
        }

        var user = await store.GetUserAsync(c.UserNameOrCaller(), c.Aborted).ConfigureAwait(false);
        return xml => IamXml.User(xml, "User", user, withTags: true);
    }

    private async Task<Action<XmlBuilder>?> ListUsersAsync(IamContext c)
    {
        var page = await store.ListUsersAsync(PathPrefix(c), Marker(c), MaxItems(c), c.Aborted).ConfigureAwait(false);
        return xml =>
        {
            IamXml.Members(xml, "Users", page.Items, (x, u) => IamXml.User(x, "member", u, withTags: false));
            IamXml.Truncation(xml, page);
        };
    }

    private async Task<Action<XmlBuilder>?> UpdateUserAsync(IamContext c)
    {
        var newName = c.Request.Get("NewUserName") is { } name ? IamValidation.UserName(name, "newUserName") : null;
        var newPath = c.Request.Get("NewPath") is { } path ? IamValidation.Path(path, "newPath") : null;
        await store.UpdateUserAsync(UserName(c), newName, newPath, c.Aborted).ConfigureAwait(false);
        return null;
    }

    private async Task<Action<XmlBuilder>?> ListTagsAsync(IamContext c, IamEntityKind kind, string name)
    {
        var tags = await store.ListTagsAsync(kind, name, c.Aborted).ConfigureAwait(false);
        return xml =>
        {
            IamXml.Tags(xml, tags);
            xml.Element("IsTruncated", false);
        };
    }

    private async Task<Action<XmlBuilder>?> CreateAccessKeyAsync(IamContext c)
    {
        var (key, secret) = await store.CreateAccessKeyAsync(c.UserNameOrCaller(), c.Aborted).ConfigureAwait(false);

        // As CloudTrail: the new key without its secret.
        Audit.RequestAudit.Of(c.Http)?.ResponseElements = new System.Text.Json.Nodes.JsonObject
        {
            ["accessKey"] = new System.Text.Json.Nodes.JsonObject
            {
                ["userName"] = key.UserName,
                ["accessKeyId"] = key.AccessKeyId,
                ["status"] = "Active",
                ["createDate"] = IamXml.Timestamp(key.CreateDate),
            },
        };
        return xml => xml.Start("AccessKey")
            .Element("UserName", key.UserName)
            .Element("AccessKeyId", key.AccessKeyId)
            .Element("Status", "Active")
            .Element("SecretAccessKey", secret)
            .Element("CreateDate", IamXml.Timestamp(key.CreateDate))
            .End("AccessKey");
    }

    private async Task<Action<XmlBuilder>?> ListAccessKeysAsync(IamContext c)
    {
        var keys = await store.ListAccessKeysAsync(c.UserNameOrCaller(), c.Aborted).ConfigureAwait(false);
        return xml =>
        {
            IamXml.Members(xml, "AccessKeyMetadata", keys, (x, k) => x.Start("member")
                .Element("UserName", k.UserName)
                .Element("AccessKeyId", k.AccessKeyId)
                .Element("Status", k.IsActive ? "Active" : "Inactive")
                .Element("CreateDate", IamXml.Timestamp(k.CreateDate))
                .End("member"));
            xml.Element("IsTruncated", false);
        };
    }

    private async Task<Action<XmlBuilder>?> UpdateAccessKeyAsync(IamContext c)
    {
        var active = c.Request.Required("Status") switch
        {
            "Active" => true,
            "Inactive" => false,
            var other => throw QueryException.Constraint("status", other, "must satisfy enum value set: [Active, Inactive]"),
        };
        await store.UpdateAccessKeyAsync(c.UserNameOrCaller(), AccessKeyId(c), active, c.Aborted).ConfigureAwait(false);
        return null;
    }

    private async Task<Action<XmlBuilder>?> GetAccessKeyLastUsedAsync(IamContext c)
    {
        var keyId = AccessKeyId(c);
        var found = await store.GetAccessKeyLastUsedAsync(keyId, c.Aborted).ConfigureAwait(false)
            ?? throw new IamException(IamError.NoSuchEntity, $"The Access Key with id {keyId} cannot be found.");
        var (user, use) = found;
        return xml =>
        {
            xml.Element("UserName", user?.Name ?? (c.Principal.IsRoot ? "root" : null));
            xml.Start("AccessKeyLastUsed");
            if (use is not null)
            {
                xml.Element("LastUsedDate", IamXml.Timestamp(use.Date)).Element("ServiceName", use.Service).Element("Region", use.Region);
            }
            else
            {
                xml.Element("ServiceName", "N/A").Element("Region", "N/A");
            }

            xml.End("AccessKeyLastUsed");
        };
    }

    private async Task<Action<XmlBuilder>?> CreateGroupAsync(IamContext c)
    {
        var group = await store.CreateGroupAsync(GroupName(c), Path(c), c.Aborted).ConfigureAwait(false);
        return xml => IamXml.Group(xml, "Group", group);
    }

    private async Task<Action<XmlBuilder>?> GetGroupAsync(IamContext c)
    {
        var (group, users) = await store.GetGroupAsync(GroupName(c), Marker(c), MaxItems(c), c.Aborted).ConfigureAwait(false);
        return xml =>
        {
            IamXml.Group(xml, "Group", group);
            IamXml.Members(xml, "Users", users.Items, (x, u) => IamXml.User(x, "member", u, withTags: false));
            IamXml.Truncation(xml, users);
        };
    }

    private async Task<Action<XmlBuilder>?> ListGroupsAsync(IamContext c)
    {
        var page = await store.ListGroupsAsync(PathPrefix(c), Marker(c), MaxItems(c), c.Aborted).ConfigureAwait(false);
        return xml =>
        {
            IamXml.Members(xml, "Groups", page.Items, (x, g) => IamXml.Group(x, "member", g));
            IamXml.Truncation(xml, page);
        };
    }

    private async Task<Action<XmlBuilder>?> ListGroupsForUserAsync(IamContext c)
    {
        var groups = await store.ListGroupsForUserAsync(UserName(c), c.Aborted).ConfigureAwait(false);
        return xml =>
        {
            IamXml.Members(xml, "Groups", groups, (x, g) => IamXml.Group(x, "member", g));
            xml.Element("IsTruncated", false);
        };
    }

    private async Task<Action<XmlBuilder>?> CreateRoleAsync(IamContext c)
    {
        var name = RoleName(c);
        var description = c.Request.Get("Description") is { } d ? IamValidation.Description(d) : null;
        var maxSession = c.Request.Int("MaxSessionDuration", 3600, 43200) ?? IamStore.DefaultMaxSessionDuration;
        var trust = Document(c, "AssumeRolePolicyDocument", Policy.PolicyKind.Trust, TrustPolicyLimit, $"Cannot exceed quota for ACLSizePerRole: {TrustPolicyLimit}");
        var role = await store.CreateRoleAsync(name, Path(c), trust, description, maxSession, Tags(c), c.Aborted).ConfigureAwait(false);
        return xml => IamXml.Role(xml, "Role", role, withTags: true);
    }

    private async Task<Action<XmlBuilder>?> GetRoleAsync(IamContext c)
    {
        var role = await store.GetRoleAsync(RoleName(c), c.Aborted).ConfigureAwait(false);
        return xml => IamXml.Role(xml, "Role", role, withTags: true);
    }

    private async Task<Action<XmlBuilder>?> ListRolesAsync(IamContext c)
    {
        var page = await store.ListRolesAsync(PathPrefix(c), Marker(c), MaxItems(c), c.Aborted).ConfigureAwait(false);
        return xml =>
        {
            IamXml.Members(xml, "Roles", page.Items, (x, r) => IamXml.Role(x, "member", r, withTags: false));
            IamXml.Truncation(xml, page);
        };
    }

    private async Task<Action<XmlBuilder>?> UpdateRoleAsync(IamContext c)
    {
        var description = c.Request.Get("Description") is { } d ? IamValidation.Description(d) : null;
        var maxSession = c.Request.Int("MaxSessionDuration", 3600, 43200);
        await store.UpdateRoleAsync(RoleName(c), description, maxSession, c.Aborted).ConfigureAwait(false);

        // UpdateRole, unlike most writes, has a (empty) result element in IAM's model.
        return _ => { };
    }

    private async Task<Action<XmlBuilder>?> UpdateAssumeRolePolicyAsync(IamContext c)
    {
        var name = RoleName(c);
        var trust = Document(c, "PolicyDocument", Policy.PolicyKind.Trust, TrustPolicyLimit, $"Cannot exceed quota for ACLSizePerRole: {TrustPolicyLimit}");
        await store.UpdateAssumeRolePolicyAsync(name, trust, c.Aborted).ConfigureAwait(false);
        return null;
    }
}
