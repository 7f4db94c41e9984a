namespace Coffer.Storage.Multipart;

/// <summary>A part as named in CompleteMultipartUpload.</summary>
public sealed record CompletedPart(int PartNumber, string ETag);
