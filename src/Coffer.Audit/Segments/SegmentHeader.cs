using System.Text.Json.Serialization;

namespace Coffer.Audit.Segments;

/// <summary>
/// The first line of a segment file. Format, must not change without a new <see cref="Version"/>:
/// this JSON object and '\n'; then one line per record: the 64 lower-case hex digits of the
/// record's chain hash, one space, the record's JSON, '\n'.
/// </summary>
internal sealed class SegmentHeader
{
    public const string FormatName = "coffer-audit-segment";

    public const int CurrentVersion = 1;

    public string Format { get; init; } = FormatName;

    public int Version { get; init; } = CurrentVersion;

    public required long Sequence { get; init; }

    /// <summary>The chain hash the first record follows: the previous segment's last.</summary>
    public required string PreviousHash { get; init; }

    public required DateTimeOffset Created { get; init; }

    [JsonIgnore]
    public bool IsKnownFormat => Format == FormatName && Version == CurrentVersion;
}
