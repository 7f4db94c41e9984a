using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Coffer.Audit.Chain;
using Coffer.Audit.Records;
using Coffer.Audit.Segments;

namespace Coffer.Audit.LogFiles;

/// <summary>
/// Turns a closed segment into the log file delivered to the bucket. Format, must not change
/// without a new chain version:
/// <code>
/// {"Records":[R1,R2,…],"CofferChain":{"version":1,"hashAlgorithm":"SHA-256","previousHash":"…","recordHashes":["…",…]}}
/// </code>
/// Each R is the record's JSON copied byte for byte from the segment, so the chain
/// (see <see cref="AuditChain"/>) can be recomputed from the delivered file alone;
/// recordHashes[i] is the chain hash after record i and previousHash the one before R1. CloudTrail
/// readers take "Records" and ignore the rest.
/// </summary>
public static class AuditLogFiles
{
    public const int ChainVersion = 1;

    private const int FlushThreshold = 256 * 1024;

    /// <summary>
    /// Writes the log file for <paramref name="segmentPath"/> to <paramref name="destination"/>,
    /// gzip-compressed when <paramref name="gzip"/>. The segment's chain is verified on the way:
    /// a segment altered on disk throws <see cref="AuditJournalCorruptException"/> rather than be
    /// delivered and signed.
    /// </summary>
    public static async Task<AuditLogFileInfo> WriteAsync(string segmentPath, Stream destination, bool gzip, CancellationToken cancellationToken)
    {
        var output = gzip ? new GZipStream(destination, CompressionLevel.Optimal, leaveOpen: true) : destination;
        try
        {
            var info = await WriteCoreAsync(segmentPath, output, cancellationToken).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            return info;
        }
        finally
        {
            if (gzip)
            {
                await output.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<AuditLogFileInfo> WriteCoreAsync(string segmentPath, Stream output, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var pending = new MemoryStream(FlushThreshold * 2);
        var hashes = new List<byte[]>();
        DateTimeOffset? oldest = null;
        DateTimeOffset? newest = null;
        string previousHash;
        string lastHash;

        pending.Write("{\"Records\":["u8);
        using (var reader = SegmentReader.Open(segmentPath))
        {
            previousHash = reader.Header.PreviousHash;
            while (reader.TryRead())
            {
                if (hashes.Count > 0)
                {
                    pending.WriteByte((byte)',');
                }

                var json = reader.CurrentJson;
                pending.Write(json);
                hashes.Add(reader.CurrentHashHex.ToArray());
                if (RecordFields.EventTime(json) is { } time)
                {
                    oldest = oldest is null || time < oldest ? time : oldest;
                    newest = newest is null || time > newest ? time : newest;
                }

                if (pending.Length >= FlushThreshold)
                {
                    await FlushAsync(pending, sha, output, cancellationToken).ConfigureAwait(false);
                }
            }

            if (reader.Stop != SegmentReadStop.End)
            {
                throw new AuditJournalCorruptException(
                    $"Audit segment {reader.Header.Sequence} does not verify: record {reader.RecordCount} (at offset {reader.ValidLength}) breaks the chain or is cut off.");
            }

            lastHash = Convert.ToHexStringLower(reader.LastHash);
        }

        pending.Write(Encoding.UTF8.GetBytes($"],\"CofferChain\":{{\"version\":{ChainVersion},\"hashAlgorithm\":\"{AuditChain.HashAlgorithm}\",\"previousHash\":\"{previousHash}\",\"recordHashes\":["));
        for (var i = 0; i < hashes.Count; i++)
        {
            if (i > 0)
            {
                pending.WriteByte((byte)',');
            }

            pending.WriteByte((byte)'"');
            pending.Write(hashes[i]);
            pending.WriteByte((byte)'"');
            if (pending.Length >= FlushThreshold)
            {
                await FlushAsync(pending, sha, output, cancellationToken).ConfigureAwait(false);
            }
        }

        pending.Write("]}}"u8);
        await FlushAsync(pending, sha, output, cancellationToken).ConfigureAwait(false);

        var sequence = long.Parse(Path.GetFileNameWithoutExtension(segmentPath), System.Globalization.CultureInfo.InvariantCulture);
        return new AuditLogFileInfo(sequence, hashes.Count, Convert.ToHexStringLower(sha.GetHashAndReset()), oldest, newest, previousHash, lastHash);
    }

    private static async Task FlushAsync(MemoryStream pending, IncrementalHash sha, Stream output, CancellationToken cancellationToken)
    {
        var bytes = pending.GetBuffer().AsMemory(0, (int)pending.Length);
        sha.AppendData(bytes.Span);
        await output.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        pending.SetLength(0);
    }
}
