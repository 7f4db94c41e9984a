using System.Globalization;
using Coffer.Identity.Iam;
using Coffer.Protocol.Xml;

namespace Coffer.Protocol.Iam;

/// <summary>IAM's XML shapes for its entities (botocore's iam service model names every element).</summary>
internal static class IamXml
{
    /// <summary>IAM's timestamps: ISO 8601 in UTC, whole seconds.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Policy documents are returned URL-encoded (RFC 3986), as AWS does.</summary>
    public static string Document(string json) => Uri.EscapeDataString(json);

    public static void User(XmlBuilder xml, string element, IamUser user, bool withTags)
    {
        xml.Start(element)
            .Element("Path", user.Path)
            .Element("UserName", user.Name)
            .Element("UserId", user.Id)
            .Element("Arn", user.Arn)
            .Element("CreateDate", Timestamp(user.CreateDate));
        if (withTags && user.Tags.Count > 0)
        {
            Tags(xml, user.Tags);
        }

        xml.End(element);
    }

    public static void Group(XmlBuilder xml, string element, IamGroup group) =>
        xml.Start(element)
            .Element("Path", group.Path)
            .Element("GroupName", group.Name)
            .Element("GroupId", group.Id)
            .Element("Arn", group.Arn)
            .Element("CreateDate", Timestamp(group.CreateDate))
            .End(element);

    public static void Role(XmlBuilder xml, string element, IamRole role, bool withTags)
    {
        xml.Start(element)
            .Element("Path", role.Path)
            .Element("RoleName", role.Name)
            .Element("RoleId", role.Id)
            .Element("Arn", role.Arn)
            .Element("CreateDate", Timestamp(role.CreateDate))
            .Element("AssumeRolePolicyDocument", Document(role.TrustPolicy))
            .Element("Description", role.Description)
            .Element("MaxSessionDuration", role.MaxSessionDuration);
        if (withTags && role.Tags.Count > 0)
        {
            Tags(xml, role.Tags);
        }

        xml.End(element);
    }

    public static void Policy(XmlBuilder xml, string element, ManagedPolicy policy) =>
        xml.Start(element)
            .Element("PolicyName", policy.Name)
            .Element("PolicyId", policy.Id)
            .Element("Arn", policy.Arn)
            .Element("Path", policy.Path)
            .Element("DefaultVersionId", policy.DefaultVersionId)
            .Element("AttachmentCount", policy.AttachmentCount)
            .Element("PermissionsBoundaryUsageCount", 0)
            .Element("IsAttachable", true)
            .Element("Description", policy.Description)
            .Element("CreateDate", Timestamp(policy.CreateDate))
            .Element("UpdateDate", Timestamp(policy.UpdateDate))
            .End(element);

    public static void Version(XmlBuilder xml, string element, PolicyVersion version, bool withDocument) =>
        xml.Start(element)
            .Element("Document", withDocument ? Document(version.Document) : null)
            .Element("VersionId", version.VersionId)
            .Element("IsDefaultVersion", version.IsDefaultVersion)
            .Element("CreateDate", Timestamp(version.CreateDate))
            .End(element);

    public static void Tags(XmlBuilder xml, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        xml.Start("Tags");
        foreach (var (key, value) in tags)
        {
            xml.Start("member").Element("Key", key).Element("Value", value).End("member");
        }

        xml.End("Tags");
    }

    public static void Members<T>(XmlBuilder xml, string element, IEnumerable<T> items, Action<XmlBuilder, T> write)
    {
        xml.Start(element);
        foreach (var item in items)
        {
            write(xml, item);
        }

        xml.End(element);
    }

    public static void Truncation<T>(XmlBuilder xml, Page<T> page)
    {
        xml.Element("IsTruncated", page.IsTruncated);
        if (page.IsTruncated)
        {
            xml.Element("Marker", page.Marker);
        }
    }
}
