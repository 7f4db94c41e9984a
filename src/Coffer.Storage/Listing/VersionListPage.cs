namespace Coffer.Storage.Listing;

public sealed class VersionListPage
{
    public List<VersionEntry> Entries { get; } = [];

    public List<string> CommonPrefixes { get; } = [];

    public bool IsTruncated { get; set; }

    /// <summary>The last key or common prefix returned.</summary>
    public string? NextKeyMarker { get; set; }

    /// <summary>The last version returned, when the page ended on a version rather than a common prefix.</summary>
    public string? NextVersionIdMarker { get; set; }

    /// <summary>Rows read to build the page, so the cost of a listing can be checked.</summary>
    public int RowsRead { get; set; }
}
