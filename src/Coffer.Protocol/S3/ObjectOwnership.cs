using System.Xml;
using Coffer.Protocol.Xml;

namespace Coffer.Protocol.S3;

/// <summary>
/// S3 Object Ownership, always BucketOwnerEnforced: ACLs are disabled, the account owns every
/// bucket and object, and policies alone grant access. Requests that would set any other ACL are
/// refused with AccessControlListNotSupported; reading an ACL shows the owner's FULL_CONTROL.
/// </summary>
internal static class ObjectOwnership
{
    public const string BucketOwnerEnforced = "BucketOwnerEnforced";

    private const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    private static readonly string[] GrantHeaders =
        ["x-amz-grant-full-control", "x-amz-grant-read", "x-amz-grant-read-acp", "x-amz-grant-write", "x-amz-grant-write-acp"];

    /// <summary>
    /// Refuses ACL headers other than a private one on the operations that take them: the canned ACLs
    /// <c>private</c> and <c>bucket-owner-full-control</c>, or a full-control grant to the owner alone.
    /// </summary>
    public static void RefuseAclHeaders(S3Context context, string? accountId)
    {
        switch (context.Operation)
        {
            case S3Operation.CreateBucket:
                CheckOwnershipHeader(context.Header("x-amz-object-ownership"));
                break;
            case S3Operation.PutObject or S3Operation.CopyObject or S3Operation.CreateMultipartUpload
                or S3Operation.PutBucketAcl or S3Operation.PutObjectAcl:
                break;
            default:
                return;
        }

        if (context.Header("x-amz-acl") is { } canned && !IsPrivateCannedAcl(canned))
        {
            throw NotSupported();
        }

        foreach (var header in GrantHeaders)
        {
            if (context.Header(header) is { } grant
                && !(header == "x-amz-grant-full-control" && NamesOnlyTheOwner(grant, accountId)))
            {
                throw NotSupported();
            }
        }
    }

    public static S3Exception NotSupported() => new(S3ErrorCode.AccessControlListNotSupported);

    public static bool IsPrivateCannedAcl(string value) =>
        value.Trim() is "private" or "bucket-owner-full-control";

    /// <summary>An <c>x-amz-grant-full-control</c> value such as <c>id="ACCOUNT"</c> that names only the owner.</summary>
    public static bool NamesOnlyTheOwner(string grant, string? accountId)
    {
        if (accountId is null)
        {
            return false;
        }

        foreach (var part in grant.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0
                || !part[..equals].Trim().Equals("id", StringComparison.OrdinalIgnoreCase)
                || part[(equals + 1)..].Trim().Trim('"') != accountId)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>CreateBucket's x-amz-object-ownership: only BucketOwnerEnforced can be had here.</summary>
    private static void CheckOwnershipHeader(string? value)
    {
        switch (value?.Trim())
        {
            case null or BucketOwnerEnforced:
                return;
            case "BucketOwnerPreferred" or "ObjectWriter":
                throw UnsupportedOwnership(value);
            default:
                throw S3Exception.InvalidArgument("Invalid x-amz-object-ownership header: " + value, "x-amz-object-ownership", value);
        }
    }

    public static S3Exception UnsupportedOwnership(string value) =>
        new(S3ErrorCode.InvalidRequest, $"Object ownership '{value}' is not supported: this server keeps ACLs disabled (BucketOwnerEnforced).");

    /// <summary>Reads a PutBucketOwnershipControls body; anything but BucketOwnerEnforced is refused.</summary>
    public static void CheckOwnershipControls(byte[] body)
    {
        var root = SafeXml.Parse(body).DocumentElement!;
        var rules = SafeXml.Children(root, "Rule").ToList();
        if (root.LocalName != "OwnershipControls" || rules.Count != 1)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var ownership = SafeXml.Children(rules[0], "ObjectOwnership").ToList();
        if (ownership.Count != 1)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var value = ownership[0].InnerText.Trim();
        switch (value)
        {
            case BucketOwnerEnforced:
                return;
            case "BucketOwnerPreferred" or "ObjectWriter":
                throw UnsupportedOwnership(value);
            default:
                throw new S3Exception(S3ErrorCode.MalformedXML);
        }
    }

    /// <summary>
    /// Reads a PutBucketAcl / PutObjectAcl AccessControlPolicy body: accepted only when every grant is
    /// FULL_CONTROL to the owner's canonical id, which is what the resource already has.
    /// </summary>
    public static void CheckAccessControlPolicy(byte[] body, string? accountId)
    {
        var root = SafeXml.Parse(body).DocumentElement!;
        if (root.LocalName != "AccessControlPolicy")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        if (SafeXml.Children(root, "Owner").FirstOrDefault() is { } owner
            && SafeXml.ChildText(owner, "ID")?.Trim() is { } ownerId && ownerId != accountId)
        {
            throw NotSupported();
        }

        var list = SafeXml.Children(root, "AccessControlList").ToList();
        if (list.Count != 1)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        foreach (var grant in SafeXml.Children(list[0], "Grant"))
        {
            var grantee = SafeXml.Children(grant, "Grantee").FirstOrDefault() ?? throw new S3Exception(S3ErrorCode.MalformedXML);
            var type = grantee.GetAttribute("type", XsiNamespace);
            var id = SafeXml.ChildText(grantee, "ID")?.Trim();
            var permission = SafeXml.ChildText(grant, "Permission")?.Trim();
            if (type != "CanonicalUser" || id is null || id != accountId || permission != "FULL_CONTROL")
            {
                throw NotSupported();
            }
        }
    }

    /// <summary>What GetBucketAcl and GetObjectAcl answer: the owner, with FULL_CONTROL and nothing else.</summary>
    public static XmlBuilder WriteAccessControlPolicy(XmlBuilder xml, string? accountId) =>
        xml.Start("AccessControlPolicy", S3Context.Xmlns)
            .Start("Owner")
            .Element("ID", accountId)
            .Element("DisplayName", accountId)
            .End("Owner")
            .Start("AccessControlList")
            .Start("Grant")
            .StartTyped("Grantee", "CanonicalUser")
            .Element("ID", accountId)
            .Element("DisplayName", accountId)
            .End("Grantee")
            .Element("Permission", "FULL_CONTROL")
            .End("Grant")
            .End("AccessControlList")
            .End("AccessControlPolicy");

    public static XmlBuilder WriteOwnershipControls(XmlBuilder xml) => xml
        .Start("OwnershipControls", S3Context.Xmlns)
        .Start("Rule")
        .Element("ObjectOwnership", BucketOwnerEnforced)
        .End("Rule")
        .End("OwnershipControls");
}
