namespace Coffer.Audit.Segments;

/// <summary>A segment file: its place in the journal and where it is.</summary>
public sealed record AuditSegment(long Sequence, string Path)
{
    private const string Extension = ".seg";

    internal static string FileName(long sequence) => $"{sequence:D12}{Extension}";

    /// <summary>The directory's segments in order; other files (quarantined tails) are ignored.</summary>
    public static IReadOnlyList<AuditSegment> List(string directory)
    {
        var segments = new List<AuditSegment>();
        if (!Directory.Exists(directory))
        {
            return segments;
        }

        foreach (var path in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            var name = System.IO.Path.GetFileNameWithoutExtension(path);
            if (name.Length == 12 && long.TryParse(name, System.Globalization.NumberStyles.None, null, out var sequence))
            {
                segments.Add(new AuditSegment(sequence, path));
            }
        }

        segments.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return segments;
    }
}
