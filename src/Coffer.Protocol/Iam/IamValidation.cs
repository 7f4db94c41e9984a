using System.Text.RegularExpressions;
using Coffer.Protocol.Query;

namespace Coffer.Protocol.Iam;

/// <summary>IAM's parameter constraints (from its API model), with AWS's validation messages.</summary>
internal static partial class IamValidation
{
    public const int MaxPolicyDocumentLength = 131072;

    public static string UserName(string value, string member = "userName") => Check(value, member, 1, 64, NamePattern(), @"[\w+=,.@-]+");

    public static string GroupName(string value, string member = "groupName") => Check(value, member, 1, 128, NamePattern(), @"[\w+=,.@-]+");

    public static string RoleName(string value, string member = "roleName") => Check(value, member, 1, 64, NamePattern(), @"[\w+=,.@-]+");

    public static string PolicyName(string value, string member = "policyName") => Check(value, member, 1, 128, NamePattern(), @"[\w+=,.@-]+");

    public static string Path(string value, string member = "path") => Check(value, member, 1, 512, PathPattern(), @"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)");

    public static string PathPrefix(string value) => Check(value, "pathPrefix", 1, 512, PathPrefixPattern(), @"\u002F[\u0021-\u007F]*");

    public static string PolicyArn(string value, string member = "policyArn") => Check(value, member, 20, 2048, null, null);

    public static string AccessKeyId(string value) => Check(value, "accessKeyId", 16, 128, WordPattern(), @"[\w]+");

    public static string VersionId(string value) => Check(value, "versionId", 1, 128, VersionPattern(), @"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?");

    public static string Description(string value) => Check(value, "description", 0, 1000, null, null);

    public static string PolicyDocument(string value, string member = "policyDocument") =>
        Check(value, member, 1, MaxPolicyDocumentLength, DocumentPattern(), @"[\u0009\u000A\u000D\u0020-\u00FF]+");

    public static void Tags(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        if (tags.Count > 50)
        {
            throw QueryException.Constraint("tags", "[...]", "must have length less than or equal to 50");
        }

        foreach (var (key, value) in tags)
        {
            TagKey(key, "tags.member.key");
            Check(value, "tags.member.value", 0, 256, TagPattern(), @"[\p{L}\p{Z}\p{N}_.:/=+\-@]*");
        }
    }

    public static string TagKey(string key, string member = "tagKeys.member") => Check(key, member, 1, 128, TagPattern(), @"[\p{L}\p{Z}\p{N}_.:/=+\-@]+");

    private static string Check(string value, string member, int min, int max, Regex? pattern, string? patternText)
    {
        if (value.Length < min)
        {
            throw QueryException.Constraint(member, value, $"must have length greater than or equal to {min}");
        }

        if (value.Length > max)
        {
            throw QueryException.Constraint(member, value.Length > 256 ? value[..64] + "..." : value, $"must have length less than or equal to {max}");
        }

        if (pattern is not null && !pattern.IsMatch(value))
        {
            throw QueryException.Constraint(member, value.Length > 256 ? value[..64] + "..." : value, $"must satisfy regular expression pattern: {patternText}");
        }

        return value;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]+\z")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^(/|/[\u0021-\u007E]+/)\z")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"^/[\u0021-\u007F]*\z")]
    private static partial Regex PathPrefixPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_]+\z")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"^v[1-9][0-9]*(\.[A-Za-z0-9-]*)?\z")]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^[\u0009\u000A\u000D\u0020-\u00FF]+\z")]
    private static partial Regex DocumentPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*\z")]
    private static partial Regex TagPattern();
}
