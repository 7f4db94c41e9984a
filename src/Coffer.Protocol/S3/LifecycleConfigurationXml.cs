using System.Globalization;
using System.Xml;
using Coffer.Protocol.Xml;
using Coffer.Storage.Lifecycle;

namespace Coffer.Protocol.S3;

/// <summary>
/// The &lt;LifecycleConfiguration&gt; document of Put/GetBucketLifecycleConfiguration: parsed and
/// validated with S3's errors, and written back in the form it was given.
/// </summary>
internal static class LifecycleConfigurationXml
{
    public const int MaxRules = 1000;
    public const int MaxIdLength = 255;
    public const int MaxNewerNoncurrentVersions = 100;
    public const string MinimumObjectSizeHeader = "x-amz-transition-default-minimum-object-size";

    private static readonly HashSet<string> RuleElements = new(StringComparer.Ordinal)
    {
        "ID", "Filter", "Prefix", "Status", "Expiration", "NoncurrentVersionExpiration", "AbortIncompleteMultipartUpload",
        "Transition", "NoncurrentVersionTransition",
    };

    /// <summary>The x-amz-transition-default-minimum-object-size a request names, checked; the default when absent.</summary>
    public static string MinimumObjectSize(string? header) => header?.Trim() switch
    {
        null or "" => LifecycleConfiguration.DefaultMinimumObjectSize,
        "all_storage_classes_128K" => "all_storage_classes_128K",
        "varies_by_storage_class" => "varies_by_storage_class",
        _ => throw S3Exception.InvalidArgument("Invalid value for the x-amz-transition-default-minimum-object-size header.", MinimumObjectSizeHeader, header),
    };

    public static LifecycleConfiguration Parse(byte[] body, string minimumObjectSize)
    {
        var root = SafeXml.Parse(body).DocumentElement!;
        if (root.LocalName != "LifecycleConfiguration" || root.ChildNodes.OfType<XmlElement>().Any(e => e.LocalName != "Rule"))
        {
            throw Malformed();
        }

        var elements = SafeXml.Children(root, "Rule").ToList();
        if (elements.Count == 0)
        {
            throw Malformed();
        }

        if (elements.Count > MaxRules)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "The number of lifecycle rules must not exceed the allowed limit of 1000 rules");
        }

        var rules = elements.Select(ParseRule).ToList();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (rule.Id is { } id && !ids.Add(id))
            {
                throw S3Exception.InvalidArgument("Rule ID must be unique. Found same ID for more than one rule", "ID", id);
            }
        }

        return new LifecycleConfiguration { Rules = rules, TransitionDefaultMinimumObjectSize = minimumObjectSize };
    }

    private static LifecycleRule ParseRule(XmlElement rule)
    {
        foreach (var child in rule.ChildNodes.OfType<XmlElement>())
        {
            if (!RuleElements.Contains(child.LocalName) || SafeXml.Children(rule, child.LocalName).Skip(1).Any())
            {
                throw Malformed();
            }
        }

        if (Single(rule, "Transition") is not null || Single(rule, "NoncurrentVersionTransition") is not null)
        {
            // One storage class: there is nowhere to move an object to.
            throw new S3Exception(S3ErrorCode.InvalidRequest, "Transition and NoncurrentVersionTransition actions are not supported: this server has a single storage class (STANDARD).");
        }

        var id = Single(rule, "ID")?.InnerText;
        if (id is { Length: > MaxIdLength })
        {
            throw S3Exception.InvalidArgument("ID length should not exceed allowed limit of 255", "ID", id);
        }

        var enabled = Single(rule, "Status")?.InnerText.Trim() switch
        {
            "Enabled" => true,
            "Disabled" => false,
            _ => throw Malformed(),
        };

        var filterElement = Single(rule, "Filter");
        var legacyPrefix = Single(rule, "Prefix");
        var filter = (filterElement, legacyPrefix) switch
        {
            ({ } f, null) => ParseFilter(f),
            (null, { } p) => new LifecycleFilter { Prefix = p.InnerText, Shape = FilterShape.RulePrefix },
            _ => throw Malformed(),
        };

        var parsed = new LifecycleRule { Id = id, Enabled = enabled, Filter = filter };
        var expiration = Single(rule, "Expiration");
        var noncurrent = Single(rule, "NoncurrentVersionExpiration");
        var abort = Single(rule, "AbortIncompleteMultipartUpload");
        if (expiration is null && noncurrent is null && abort is null)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "At least one action needs to be specified in a rule.");
        }

        if (expiration is not null)
        {
            parsed = ParseExpiration(expiration, parsed);
        }

        if (noncurrent is not null)
        {
            OnlyChildren(noncurrent, "NoncurrentDays", "NewerNoncurrentVersions");
            var days = PositiveDays(Single(noncurrent, "NoncurrentDays") ?? throw Malformed(), "NoncurrentDays", "NoncurrentVersionExpiration");
            int? newer = null;
            if (Single(noncurrent, "NewerNoncurrentVersions") is { } newerElement)
            {
                newer = Integer(newerElement);
                if (newer is < 1 or > MaxNewerNoncurrentVersions)
                {
                    throw S3Exception.InvalidArgument("'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer up to 100", "NewerNoncurrentVersions", newerElement.InnerText);
                }
            }

            parsed = parsed with { NoncurrentDays = days, NewerNoncurrentVersions = newer };
        }

        if (abort is not null)
        {
            OnlyChildren(abort, "DaysAfterInitiation");
            var days = PositiveDays(Single(abort, "DaysAfterInitiation") ?? throw Malformed(), "DaysAfterInitiation", "AbortIncompleteMultipartUpload");
            if (filter.HasTags)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "AbortIncompleteMultipartUpload cannot be specified with Tags.");
            }

            if (filter.HasSizeBounds)
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "AbortIncompleteMultipartUpload cannot be specified with object size filters.");
            }

            parsed = parsed with { AbortDaysAfterInitiation = days };
        }

        return parsed;
    }

    private static LifecycleRule ParseExpiration(XmlElement expiration, LifecycleRule rule)
    {
        OnlyChildren(expiration, "Days", "Date", "ExpiredObjectDeleteMarker");
        var days = Single(expiration, "Days");
        var date = Single(expiration, "Date");
        var marker = Single(expiration, "ExpiredObjectDeleteMarker");
        if ((days is null ? 0 : 1) + (date is null ? 0 : 1) + (marker is null ? 0 : 1) != 1)
        {
            // Exactly one of the three.
            throw Malformed();
        }

        if (days is not null)
        {
            return rule with { ExpirationDays = PositiveDays(days, "Days", "Expiration") };
        }

        if (date is not null)
        {
            return rule with { ExpirationDate = MidnightDate(date.InnerText) };
        }

        var expired = marker!.InnerText.Trim() switch
        {
            "true" => true,
            "false" => false,
            _ => throw Malformed(),
        };
        if (rule.Filter.HasTags)
        {
            throw new S3Exception(S3ErrorCode.InvalidRequest, "ExpiredObjectDeleteMarker cannot be specified with Tags.");
        }

        return rule with { ExpiredObjectDeleteMarker = expired, HasExpiredObjectDeleteMarker = true };
    }

    /// <summary>An ISO 8601 date (or date and time) that must fall on midnight UTC.</summary>
    internal static DateTimeOffset MidnightDate(string text)
    {
        DateTimeOffset date;
        try
        {
            date = XmlConvert.ToDateTimeOffset(text.Trim()).ToUniversalTime();
        }
        catch (FormatException)
        {
            throw Malformed();
        }

        if (date.TimeOfDay != TimeSpan.Zero)
        {
            throw S3Exception.InvalidArgument("'Date' must be at midnight GMT", "Date", text);
        }

        return date;
    }

    private static LifecycleFilter ParseFilter(XmlElement filter)
    {
        var conditions = filter.ChildNodes.OfType<XmlElement>().ToList();
        if (conditions.Count == 0)
        {
            return new LifecycleFilter();
        }

        if (conditions.Count > 1)
        {
            // More than one condition takes an <And>.
            throw Malformed();
        }

        var only = conditions[0];
        switch (only.LocalName)
        {
            case "Prefix":
                return new LifecycleFilter { Prefix = only.InnerText };
            case "Tag":
                return WithSizes(new LifecycleFilter { Tags = Tags([only]) });
            case "ObjectSizeGreaterThan":
                return WithSizes(new LifecycleFilter { ObjectSizeGreaterThan = Size(only, "ObjectSizeGreaterThan") });
            case "ObjectSizeLessThan":
                return WithSizes(new LifecycleFilter { ObjectSizeLessThan = Size(only, "ObjectSizeLessThan") });
            case "And":
                break;
            default:
                throw Malformed();
        }

        foreach (var child in only.ChildNodes.OfType<XmlElement>())
        {
            var single = child.LocalName is "Prefix" or "ObjectSizeGreaterThan" or "ObjectSizeLessThan";
            if ((!single && child.LocalName != "Tag") || (single && SafeXml.Children(only, child.LocalName).Skip(1).Any()))
            {
                throw Malformed();
            }
        }

        var greater = Single(only, "ObjectSizeGreaterThan");
        var less = Single(only, "ObjectSizeLessThan");
        return WithSizes(new LifecycleFilter
        {
            Prefix = Single(only, "Prefix")?.InnerText,
            Tags = Tags(SafeXml.Children(only, "Tag").ToList()),
            ObjectSizeGreaterThan = greater is null ? null : Size(greater, "ObjectSizeGreaterThan"),
            ObjectSizeLessThan = less is null ? null : Size(less, "ObjectSizeLessThan"),
            Shape = FilterShape.And,
        });
    }

    private static LifecycleFilter WithSizes(LifecycleFilter filter)
    {
        if (filter.ObjectSizeGreaterThan is { } above && filter.ObjectSizeLessThan is { } below && above >= below)
        {
            throw S3Exception.InvalidArgument("ObjectSizeGreaterThan must be less than ObjectSizeLessThan", "ObjectSizeGreaterThan", above.ToString(CultureInfo.InvariantCulture));
        }

        return filter;
    }

    private static List<KeyValuePair<string, string>> Tags(List<XmlElement> elements)
    {
        var tags = new List<KeyValuePair<string, string>>(elements.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in elements)
        {
            OnlyChildren(element, "Key", "Value");
            var key = Single(element, "Key")?.InnerText ?? throw Malformed();
            var value = Single(element, "Value")?.InnerText ?? throw Malformed();
            if (key.Length is 0 or > ObjectTagging.MaxKeyLength)
            {
                throw new S3Exception(S3ErrorCode.InvalidTag, "The TagKey you have provided is invalid").With("TagKey", key);
            }

            if (value.Length > ObjectTagging.MaxValueLength)
            {
                throw new S3Exception(S3ErrorCode.InvalidTag, "The TagValue you have provided is invalid").With("TagKey", key).With("TagValue", value);
            }

            if (!seen.Add(key))
            {
                throw new S3Exception(S3ErrorCode.InvalidRequest, "Duplicate Tag Keys are not allowed.");
            }

            tags.Add(new(key, value));
        }

        return tags;
    }

    private static long Size(XmlElement element, string name)
    {
        if (!long.TryParse(element.InnerText.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var size))
        {
            throw Malformed();
        }

        return size >= 0 ? size : throw S3Exception.InvalidArgument($"'{name}' must be a non-negative integer", name, element.InnerText);
    }

    private static int PositiveDays(XmlElement element, string name, string action)
    {
        var days = Integer(element);
        return days > 0 ? days : throw S3Exception.InvalidArgument($"'{name}' for {action} action must be a positive integer", name, element.InnerText);
    }

    private static int Integer(XmlElement element)
    {
        // A number too large for the schema's int is malformed, as is anything that is not a number.
        return int.TryParse(element.InnerText.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Malformed();
    }

    private static XmlElement? Single(XmlElement parent, string name)
    {
        var found = SafeXml.Children(parent, name).ToList();
        return found.Count switch
        {
            0 => null,
            1 => found[0],
            _ => throw Malformed(),
        };
    }

    private static void OnlyChildren(XmlElement parent, params string[] names)
    {
        foreach (var child in parent.ChildNodes.OfType<XmlElement>())
        {
            if (Array.IndexOf(names, child.LocalName) < 0)
            {
                throw Malformed();
            }
        }
    }

    private static S3Exception Malformed() => new(S3ErrorCode.MalformedXML);

    public static XmlBuilder ToXml(LifecycleConfiguration configuration)
    {
        var xml = new XmlBuilder().Start("LifecycleConfiguration", S3Context.Xmlns);
        foreach (var rule in configuration.Rules)
        {
            xml.Start("Rule");
            if (rule.HasExpiration)
            {
                xml.Start("Expiration");
                if (rule.ExpirationDays is { } days)
                {
                    xml.Element("Days", days);
                }
                else if (rule.ExpirationDate is { } date)
                {
                    xml.Element("Date", date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                }
                else
                {
                    xml.Element("ExpiredObjectDeleteMarker", rule.ExpiredObjectDeleteMarker);
                }

                xml.End("Expiration");
            }

            xml.Element("ID", rule.Id);
            WriteFilter(xml, rule.Filter);
            xml.Element("Status", rule.Enabled ? "Enabled" : "Disabled");
            if (rule.NoncurrentDays is { } noncurrentDays)
            {
                xml.Start("NoncurrentVersionExpiration").Element("NoncurrentDays", noncurrentDays);
                if (rule.NewerNoncurrentVersions is { } newer)
                {
                    xml.Element("NewerNoncurrentVersions", newer);
                }

                xml.End("NoncurrentVersionExpiration");
            }

            if (rule.AbortDaysAfterInitiation is { } abortDays)
            {
                xml.Start("AbortIncompleteMultipartUpload").Element("DaysAfterInitiation", abortDays).End("AbortIncompleteMultipartUpload");
            }

            xml.End("Rule");
        }

        return xml.End("LifecycleConfiguration");
    }

    private static void WriteFilter(XmlBuilder xml, LifecycleFilter filter)
    {
        if (filter.Shape == FilterShape.RulePrefix)
        {
            xml.Element("Prefix", filter.Prefix ?? string.Empty);
            return;
        }

        xml.Start("Filter");
        if (filter.Shape == FilterShape.And)
        {
            xml.Start("And");
        }

        xml.Element("Prefix", filter.Prefix);
        foreach (var (key, value) in filter.Tags)
        {
            xml.Start("Tag").Element("Key", key).Element("Value", value).End("Tag");
        }

        if (filter.ObjectSizeGreaterThan is { } above)
        {
            xml.Element("ObjectSizeGreaterThan", above);
        }

        if (filter.ObjectSizeLessThan is { } below)
        {
            xml.Element("ObjectSizeLessThan", below);
        }

        if (filter.Shape == FilterShape.And)
        {
            xml.End("And");
        }

        xml.End("Filter");
    }
}
