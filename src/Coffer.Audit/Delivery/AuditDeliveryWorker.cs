using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Coffer.Audit.Digests;
using Coffer.Audit.LogFiles;
using Coffer.Audit.Segments;
using Coffer.Audit.Verification;
using Microsoft.Extensions.Logging;

namespace Coffer.Audit.Delivery;

/// <summary>
/// Delivers the journal to the log bucket: closes the active segment every delivery interval,
/// stores each closed segment as a gzip log file under CloudTrail's key layout and only then
/// removes it, and at the end of every digest period stores a signed digest listing the files
/// delivered since the last one (none in a quiet period). It runs beside requests and never holds
/// one up: the journal's writer is only asked to roll.
/// </summary>
/// <remarks>
/// Every step can be repeated after a crash without a duplicate or a gap: a log file's key is a
/// function of its segment (newest event time and last chain hash), a digest's of its period end,
/// which is recorded before it is signed; each is written only when the key is free, and found
/// again in the bucket when a crash came after the write and before the bookkeeping.
/// </remarks>
public sealed class AuditDeliveryWorker(
    AuditSegmentWriter journal,
    IAuditLogBucket bucket,
    AuditDeliveryState state,
    AuditSigningKeyStore keys,
    AuditDeliveryOptions options,
    TimeProvider time,
    ILogger<AuditDeliveryWorker> logger)
{
    public const string SignatureMetadata = "signature";
    public const string SigningAlgorithmMetadata = "signing-algorithm";
    private const string JsonType = "application/json";

    /// <summary>Where CloudTrail's digest file name has the trail's name.</summary>
    private const string TrailName = "coffer";

    private bool _keysPublished;

    /// <summary>Delivers and digests on schedule until <paramref name="stopping"/>; a failed pass is retried later.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var nextDelivery = time.GetUtcNow();
        var nextDigest = nextDelivery;
        while (!stopping.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            try
            {
                if (now >= nextDelivery || now >= nextDigest)
                {
                    await DeliverAsync(stopping).ConfigureAwait(false);
                    nextDelivery = now + options.DeliveryInterval;
                }

                if (now >= nextDigest)
                {
                    await DigestAsync(stopping).ConfigureAwait(false);
                    nextDigest = DigestSchedule.Next(now, options.DigestInterval);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                AuditDeliveryLog.PassFailed(logger, options.RetryInterval, e);
                var retry = time.GetUtcNow() + options.RetryInterval;
                nextDelivery = Min(nextDelivery, retry);
                nextDigest = Min(nextDigest, retry);
            }

            var wait = Min(nextDelivery, nextDigest) - time.GetUtcNow();
            try
            {
                await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One delivery pass: closes the active segment if it holds records, then delivers every closed segment, oldest first.</summary>
    public async Task DeliverAsync(CancellationToken cancellationToken)
    {
        if (!_keysPublished)
        {
            // The first digest starts when delivery first ran.
            await state.TrailStartAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await PublishPublicKeysAsync(cancellationToken).ConfigureAwait(false);
            _keysPublished = true;
        }

        await journal.RollAsync(cancellationToken).ConfigureAwait(false);
        var unread = options.UnreadFrom?.Invoke() ?? long.MaxValue;
        foreach (var segment in journal.ClosedSegments())
        {
            if (segment.Sequence >= unread)
            {
                // Delivery removes the segment; the next pass takes it once the index has read it.
                break;
            }

            await DeliverSegmentAsync(segment, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Makes the digest due now, if one is (or finishes one a stop interrupted).</summary>
    public async Task DigestAsync(CancellationToken cancellationToken)
    {
        var last = await keys.GetLastDigestAsync(cancellationToken).ConfigureAwait(false);
        var start = await state.TrailStartAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        var pending = await state.PendingDigestEndAsync(cancellationToken).ConfigureAwait(false);
        var end = pending ?? DigestSchedule.Due(time.GetUtcNow(), options.DigestInterval, last?.EndTime ?? start);
        if (end is not { } digestEnd)
        {
            return;
        }

        if (pending is null)
        {
            await state.BeginDigestAsync(digestEnd, cancellationToken).ConfigureAwait(false);
        }

        var key = CloudTrailObjectKeys.Digest(options.AccountId, options.Region, TrailName, digestEnd);
        var found = await bucket.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (found is not null && await AdoptableAsync(found, last, cancellationToken).ConfigureAwait(false) is { } adopted)
        {
            // Stored before a stop that came ahead of the bookkeeping: it is the digest for this period.
            AuditDeliveryLog.DigestAdopted(logger, bucket.Name, key);
            await state.CompleteDigestAsync(adopted.Link, adopted.Listed, cancellationToken).ConfigureAwait(false);
            return;
        }

        var files = await state.UndigestedAsync(cancellationToken).ConfigureAwait(false);
        using var signing = await keys.GetOrCreateAsync(cancellationToken).ConfigureAwait(false);
        var signed = AuditDigests.Create(new DigestRequest
        {
            AccountId = options.AccountId,
            Region = options.Region,
            S3Bucket = bucket.Name,
            StartTime = start,
            EndTime = digestEnd,
            TrailName = TrailName,
            LogFiles = files,
        }, last, signing);

        using var content = new MemoryStream(Gzip(signed.Content), writable: false);
        List<KeyValuePair<string, string>> metadata = [new(SignatureMetadata, signed.Signature), new(SigningAlgorithmMetadata, AuditDigests.SignatureAlgorithm)];
        if (!await bucket.PutAsync(key, content, JsonType, "gzip", metadata, mustNotExist: found is null, cancellationToken).ConfigureAwait(false))
        {
            throw new IOException($"The digest key {key} was taken while the digest was being made.");
        }

        if (found is not null)
        {
            AuditDeliveryLog.ForeignObjectReplaced(logger, bucket.Name, key);
        }

        await state.CompleteDigestAsync(signed.Link, files.Select(f => f.S3Object), cancellationToken).ConfigureAwait(false);
        AuditDeliveryLog.DigestDelivered(logger, bucket.Name, key, files.Count);
    }

    /// <summary>Puts every public key in the bucket (once each) so that verifiers can fetch them.</summary>
    private async Task PublishPublicKeysAsync(CancellationToken cancellationToken)
    {
        using (await keys.GetOrCreateAsync(cancellationToken).ConfigureAwait(false))
        {
            // Only to make sure a key pair exists before its public half is published.
        }

        foreach (var publicKey in await keys.ListPublicKeysAsync(cancellationToken).ConfigureAwait(false))
        {
            var key = CloudTrailObjectKeys.PublicKey(options.AccountId, options.Region, publicKey.Fingerprint);
            using var pem = new MemoryStream(Encoding.ASCII.GetBytes(publicKey.ToPem() + "\n"), writable: false);
            if (await bucket.PutAsync(key, pem, "application/x-pem-file", null, [], mustNotExist: true, cancellationToken).ConfigureAwait(false))
            {
                AuditDeliveryLog.PublicKeyPublished(logger, publicKey.Fingerprint, bucket.Name, key);
            }
        }
    }

    private async Task DeliverSegmentAsync(AuditSegment segment, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.StagingDirectory);
        var staging = Path.Combine(options.StagingDirectory, Path.GetFileName(segment.Path) + ".json.gz");
        await using var file = new FileStream(staging, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        AuditLogFileInfo info;
        try
        {
            info = await AuditLogFiles.WriteAsync(segment.Path, file, gzip: true, cancellationToken).ConfigureAwait(false);
        }
        catch (AuditJournalCorruptException e)
        {
            // Never laundered into a signed digest; set aside for whoever investigates, and the chain moves on.
            var kept = segment.Path + ".undeliverable";
            File.Move(segment.Path, kept);
            AuditDeliveryLog.SegmentUndeliverable(logger, segment.Sequence, kept, e);
            return;
        }

        if (info.RecordCount == 0)
        {
            // Nothing to deliver: the next segment starts from the same hash, so the chain has no gap.
            journal.RetireSegment(segment);
            return;
        }

        // Every record has an eventTime; the fallback only keeps a damaged one from stopping delivery.
        var key = CloudTrailObjectKeys.LogFile(options.AccountId, options.Region, info.NewestEventTime ?? time.GetUtcNow(), info.UniqueName);
        if (!await state.IsUndigestedAsync(key, cancellationToken).ConfigureAwait(false))
        {
            file.Position = 0;
            if (!await bucket.PutAsync(key, file, JsonType, "gzip", [], mustNotExist: true, cancellationToken).ConfigureAwait(false))
            {
                // Stored before a stop that came ahead of the bookkeeping, unless someone else wrote there.
                var existing = await bucket.GetAsync(key, cancellationToken).ConfigureAwait(false);
                if (existing is null || !HasHash(existing.Content, info.Sha256))
                {
                    file.Position = 0;
                    await bucket.PutAsync(key, file, JsonType, "gzip", [], mustNotExist: false, cancellationToken).ConfigureAwait(false);
                    AuditDeliveryLog.ForeignObjectReplaced(logger, bucket.Name, key);
                }
            }

            await state.RecordDeliveredAsync(segment.Sequence, info.ToDigestEntry(bucket.Name, key), cancellationToken).ConfigureAwait(false);
            AuditDeliveryLog.Delivered(logger, segment.Sequence, info.RecordCount, bucket.Name, key);
        }

        journal.RetireSegment(segment);
    }

    /// <summary>
    /// A digest found at this period's key, when it is ours: signed by one of our keys and chained to
    /// the last digest recorded. Anything else there is not adopted, and is superseded.
    /// </summary>
    private async Task<(DigestLink Link, IReadOnlyList<string> Listed)?> AdoptableAsync(AuditBucketObject found, DigestLink? last, CancellationToken cancellationToken)
    {
        var signature = found.MetadataValue(SignatureMetadata);
        if (signature is null)
        {
            return null;
        }

        AuditDigest digest;
        byte[] content;
        try
        {
            content = ParsedLogFile.Decompress(found.Content);
            digest = AuditDigests.Parse(content);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
        {
            return null;
        }

        if (digest.PreviousDigestSignature != last?.Signature)
        {
            return null;
        }

        var publicKeys = await keys.ListPublicKeysAsync(cancellationToken).ConfigureAwait(false);
        if (!publicKeys.Any(k => k.Fingerprint == digest.DigestPublicKeyFingerprint && AuditDigests.VerifySignature(digest, content, signature, k)))
        {
            return null;
        }

        var link = new DigestLink(digest.DigestS3Bucket, digest.DigestS3Object, digest.DigestEndTime, Sha256Hex(content), signature);
        return (link, digest.LogFiles.Select(f => f.S3Object).ToList());
    }

    private static bool HasHash(byte[] stored, string sha256)
    {
        try
        {
            return Sha256Hex(ParsedLogFile.Decompress(stored)) == sha256;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    private static string Sha256Hex(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
