using System.Globalization;
using Coffer.Protocol.Xml;
using Coffer.Storage.Locking;

namespace Coffer.Protocol.S3;

/// <summary>
/// A bucket's object lock configuration (PutObjectLockConfiguration): object lock is on, and new
/// versions may get a default retention of <see cref="Days"/> or <see cref="Years"/> in <see cref="Mode"/>.
/// </summary>
internal sealed record ObjectLockConfiguration(RetentionMode? Mode, int? Days, int? Years)
{
    public const string ConfigName = "object-lock";

    // AWS documents no ceiling; these keep dates representable and refuse what is surely a mistake.
    private const int MaxDays = 36_500;
    private const int MaxYears = 100;

    /// <summary>Object lock on, without a default retention: what a bucket created with it starts with.</summary>
    public static ObjectLockConfiguration Enabled { get; } = new(null, null, null);

    /// <summary>Every write to a bucket asks whether it has object lock, so the answer is cached until it changes.</summary>
    public static BucketConfigCache<ObjectLockConfiguration> Cache(Storage.IMetadataStore metadata) =>
        new(metadata, ConfigName, (_, stored) => FromXml(System.Text.Encoding.UTF8.GetBytes(stored)));

    /// <summary>The retention a new version gets when its request names none; null without a default.</summary>
    public ObjectRetention? DefaultRetention(DateTimeOffset now) => Mode switch
    {
        null => null,
        { } mode => new ObjectRetention(mode, Days is { } days ? now.AddDays(days) : now.AddYears(Years!.Value)),
    };

    /// <summary>A PutObjectLockConfiguration body, with S3's errors for what it refuses.</summary>
    public static ObjectLockConfiguration FromXml(byte[] body)
    {
        var root = SafeXml.Parse(body).DocumentElement!;
        if (root.LocalName != "ObjectLockConfiguration" || SafeXml.ChildText(root, "ObjectLockEnabled")?.Trim() != "Enabled")
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var rules = SafeXml.Children(root, "Rule").ToList();
        if (rules.Count == 0)
        {
            return Enabled;
        }

        var retention = rules.Count == 1 ? SafeXml.Children(rules[0], "DefaultRetention").ToList() : [];
        if (retention.Count != 1)
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        var mode = ParseMode(SafeXml.ChildText(retention[0], "Mode")) ?? throw new S3Exception(S3ErrorCode.MalformedXML);
        var days = SafeXml.ChildText(retention[0], "Days");
        var years = SafeXml.ChildText(retention[0], "Years");
        if ((days is null) == (years is null))
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        return days is not null
            ? new ObjectLockConfiguration(mode, Period(days, MaxDays), null)
            : new ObjectLockConfiguration(mode, null, Period(years!, MaxYears));
    }

    public XmlBuilder ToXml()
    {
        var xml = new XmlBuilder().Start("ObjectLockConfiguration", S3Context.Xmlns).Element("ObjectLockEnabled", "Enabled");
        if (Mode is { } mode)
        {
            xml.Start("Rule").Start("DefaultRetention").Element("Mode", ModeName(mode));
            if (Days is { } days)
            {
                xml.Element("Days", days);
            }
            else
            {
                xml.Element("Years", Years!.Value);
            }

            xml.End("DefaultRetention").End("Rule");
        }

        return xml.End("ObjectLockConfiguration");
    }

    /// <summary>How the configuration is kept: its own XML document.</summary>
    public string ToStored() => System.Text.Encoding.UTF8.GetString(ToXml().WrittenMemory.Span);

    public static RetentionMode? ParseMode(string? value) => value?.Trim() switch
    {
        "GOVERNANCE" => RetentionMode.Governance,
        "COMPLIANCE" => RetentionMode.Compliance,
        _ => null,
    };

    public static string ModeName(RetentionMode mode) => mode == RetentionMode.Compliance ? "COMPLIANCE" : "GOVERNANCE";

    /// <summary>An ISO 8601 timestamp with its zone, as S3 takes retain-until dates.</summary>
    public static bool TryParseDate(string? value, out DateTimeOffset date)
    {
        date = default;
        return value is not null
            && value.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);
    }

    private static int Period(string text, int max)
    {
        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new S3Exception(S3ErrorCode.MalformedXML);
        }

        if (value <= 0)
        {
            throw new S3Exception(S3ErrorCode.InvalidArgument, "Default retention period must be a positive integer value.");
        }

        return value <= max
            ? value
            : throw new S3Exception(S3ErrorCode.InvalidArgument, "Default retention period is too large.");
    }
}
