namespace Coffer.Storage.Listing;

/// <summary>One row of a listing: what ListObjects returns about a key.</summary>
public sealed record ListEntry(byte[] Key, long Size, string ETag, DateTimeOffset LastModified);
