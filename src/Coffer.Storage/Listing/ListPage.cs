namespace Coffer.Storage.Listing;

public sealed class ListPage
{
    public List<ListEntry> Entries { get; } = [];

    public List<string> CommonPrefixes { get; } = [];

    public bool IsTruncated { get; set; }

    /// <summary>The last key or common prefix returned: where the next page starts after.</summary>
    public string? LastReturned { get; set; }

    /// <summary>Index rows read to build the page, so the cost of a listing can be checked.</summary>
    public int RowsRead { get; set; }
}
