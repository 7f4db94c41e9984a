using Coffer.Protocol.Xml;
using Coffer.Storage.Buckets;
using Coffer.Storage.Versions;

namespace Coffer.Protocol.S3;

/// <summary>The &lt;VersioningConfiguration&gt; document of PutBucketVersioning and GetBucketVersioning, and version ids on the wire.</summary>
internal static class VersioningConfiguration
{
    /// <summary>The status a PutBucketVersioning body asks for; null when it names none (nothing changes).</summary>
    public static VersioningStatus? Parse(byte[] body)
    {
        var root = SafeXml.Parse(body).DocumentElement!;
        if (root.LocalName != "VersioningConfiguration")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var mfaDelete = SafeXml.ChildText(root, "MfaDelete")?.Trim();
        if (mfaDelete is not (null or "Disabled" or "Enabled"))
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        if (mfaDelete == "Enabled")
        {
            // Coffer has no MFA devices, so a delete that needs one could never be made again.
            throw new S3Exception(S3ErrorCode.NotImplemented, "MFA Delete is not supported by this server.").With("Header", "MfaDelete");
        }

        return SafeXml.ChildText(root, "Status")?.Trim() switch
        {
            null => null,
            "Enabled" => VersioningStatus.Enabled,
            "Suspended" => VersioningStatus.Suspended,
            _ => throw new S3Exception(S3ErrorCode.MalformedXML),
        };
    }

    public static XmlBuilder ToXml(VersioningStatus? status)
    {
        var xml = new XmlBuilder().Start("VersioningConfiguration", S3Context.Xmlns);
        if (status is { } value)
        {
            xml.Element("Status", value.ToString());
        }

        return xml.End("VersioningConfiguration");
    }

    /// <summary>The versionId a request names, checked; null when it names none.</summary>
    public static string? VersionIdFrom(S3Context context, string parameter = "versionId")
    {
        var versionId = context.Query.Get(parameter);
        return versionId is null ? null : CheckVersionId(versionId, parameter);
    }

    public static string CheckVersionId(string versionId, string argumentName) =>
        VersionIds.IsWellFormed(versionId)
            ? versionId
            : throw S3Exception.InvalidArgument("Invalid version id specified", argumentName, versionId);
}
