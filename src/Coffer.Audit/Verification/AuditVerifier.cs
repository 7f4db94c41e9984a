using System.Security.Cryptography;
using System.Text.Json;
using Coffer.Audit.Digests;
using Coffer.Audit.Records;

namespace Coffer.Audit.Verification;

/// <summary>
/// Checks delivered log files and digests against each other and the trusted public keys, and
/// names every problem precisely: which digest is forged or missing, which log file was changed,
/// deleted or slipped in, and which record inside a file was altered, removed, added or moved.
/// A pure function of its inputs, so it runs the same over the log bucket or a copy of it.
/// </summary>
public static class AuditVerifier
{
    public static AuditVerificationReport Verify(
        IReadOnlyList<DeliveredDigest> digests,
        IReadOnlyList<DeliveredLogFile> logFiles,
        IReadOnlyList<AuditPublicKey> publicKeys)
    {
        var findings = new List<AuditFinding>();
        var verified = VerifyDigests(digests, publicKeys, findings);
        var (files, records) = VerifyLogFiles(verified, logFiles, findings);
        return new AuditVerificationReport(findings, verified.Count, files, records);
    }

    private sealed record Digest(DeliveredDigest Delivered, AuditDigest Content, byte[] Bytes)
    {
        public string Location => $"{Delivered.S3Bucket}/{Delivered.S3Object}";
    }

    /// <summary>Checks each digest's place, signature and link to the one before; returns them in time order.</summary>
    private static List<Digest> VerifyDigests(IReadOnlyList<DeliveredDigest> delivered, IReadOnlyList<AuditPublicKey> publicKeys, List<AuditFinding> findings)
    {
        var digests = new List<Digest>();
        foreach (var digest in delivered)
        {
            var bytes = ParsedLogFile.Decompress(digest.Content);
            try
            {
                digests.Add(new Digest(digest, AuditDigests.Parse(bytes), bytes));
            }
            catch (JsonException e)
            {
                findings.Add(new(AuditFindingKind.DigestUnreadable, digest.S3Object, null, e.Message));
            }
        }

        digests.Sort((a, b) => a.Content.DigestEndTime.CompareTo(b.Content.DigestEndTime));
        var keys = publicKeys.ToDictionary(k => k.Fingerprint, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < digests.Count; i++)
        {
            var digest = digests[i];
            var content = digest.Content;
            var name = digest.Delivered.S3Object;
            if (content.DigestS3Bucket != digest.Delivered.S3Bucket || content.DigestS3Object != digest.Delivered.S3Object)
            {
                findings.Add(new(AuditFindingKind.DigestMoved, name, null, $"it says it was delivered to {content.DigestS3Bucket}/{content.DigestS3Object}"));
            }

            var signature = digest.Delivered.Signature ?? NextSignatureFor(digests, i);
            if (signature is null)
            {
                findings.Add(new(AuditFindingKind.DigestUnsigned, name, null, "no signature to check (none in its metadata, and no later digest names it)"));
            }
            else if (!keys.TryGetValue(content.DigestPublicKeyFingerprint, out var key))
            {
                findings.Add(new(AuditFindingKind.DigestUnknownKey, name, null, $"signed by key {content.DigestPublicKeyFingerprint}, which is not a trusted public key"));
            }
            else if (content.DigestSignatureAlgorithm != AuditDigests.SignatureAlgorithm || !AuditDigests.VerifySignature(content, digest.Bytes, signature, key))
            {
                findings.Add(new(AuditFindingKind.DigestSignatureInvalid, name, null, "the signature does not verify: the digest was forged or altered"));
            }

            if (i > 0)
            {
                CheckLink(digests[i - 1], digest, findings);
            }
        }

        return digests;
    }

    /// <summary>The signature a later digest records for digest <paramref name="index"/>, when the next one names it.</summary>
    private static string? NextSignatureFor(List<Digest> digests, int index) =>
        index + 1 < digests.Count && digests[index + 1].Content.PreviousDigestS3Object == digests[index].Delivered.S3Object
            ? digests[index + 1].Content.PreviousDigestSignature
            : null;

    private static void CheckLink(Digest previous, Digest digest, List<AuditFinding> findings)
    {
        var content = digest.Content;
        var name = digest.Delivered.S3Object;
        if (content.PreviousDigestS3Object != previous.Delivered.S3Object || content.PreviousDigestS3Bucket != previous.Delivered.S3Bucket
            || content.DigestStartTime != previous.Content.DigestEndTime)
        {
            findings.Add(new(AuditFindingKind.DigestMissing, name, null,
                $"it follows {content.PreviousDigestS3Object ?? "no digest"} from {CloudTrailTimeConverter.ToText(content.DigestStartTime)}, but the digest before it is {previous.Delivered.S3Object} ending {CloudTrailTimeConverter.ToText(previous.Content.DigestEndTime)}: digests are missing in between"));
            return;
        }

        if (!string.Equals(content.PreviousDigestHashValue, Convert.ToHexStringLower(SHA256.HashData(previous.Bytes)), StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new(AuditFindingKind.DigestChainBroken, previous.Delivered.S3Object, null, $"its hash is not the one {name} records: it was altered after delivery"));
        }

        if (previous.Delivered.Signature is { } signature && !string.Equals(content.PreviousDigestSignature, signature, StringComparison.OrdinalIgnoreCase))
        {
            findings.Add(new(AuditFindingKind.DigestChainBroken, name, null, $"its previousDigestSignature is not the signature of {previous.Delivered.S3Object}"));
        }
    }

    /// <summary>Matches log files to digest entries, then checks each file's records and the chain from file to file.</summary>
    private static (int Files, long Records) VerifyLogFiles(List<Digest> digests, IReadOnlyList<DeliveredLogFile> logFiles, List<AuditFinding> findings)
    {
        var present = new Dictionary<string, DeliveredLogFile>(StringComparer.Ordinal);
        foreach (var file in logFiles)
        {
            present[$"{file.S3Bucket}/{file.S3Object}"] = file;
        }

        // The order the chain must run in: as the signed digests list the files, then the rest.
        var ordered = new List<(DeliveredLogFile? File, string S3Object)>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var digest in digests)
        {
            foreach (var entry in digest.Content.LogFiles)
            {
                var location = $"{entry.S3Bucket}/{entry.S3Object}";
                listed.Add(location);
                if (!present.TryGetValue(location, out var file))
                {
                    findings.Add(new(AuditFindingKind.LogFileDeleted, entry.S3Object, null, $"listed in {digest.Delivered.S3Object} but not found"));
                    ordered.Add((null, entry.S3Object));
                    continue;
                }

                var bytes = ParsedLogFile.Decompress(file.Content);
                if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), entry.HashValue, StringComparison.OrdinalIgnoreCase))
                {
                    findings.Add(new(AuditFindingKind.LogFileModified, entry.S3Object, null, $"its SHA-256 is not the one {digest.Delivered.S3Object} lists"));
                }

                ordered.Add((file, entry.S3Object));
            }
        }

        var coveredUntil = digests.Count > 0 ? digests[^1].Content.DigestEndTime : DateTimeOffset.MinValue;
        var parsedFiles = new Dictionary<DeliveredLogFile, (ParsedLogFile? Parsed, string? Error)>(ReferenceEqualityComparer.Instance);
        foreach (var file in logFiles)
        {
            var parsed = ParsedLogFile.TryParse(ParsedLogFile.Decompress(file.Content), out var error);
            parsedFiles[file] = (parsed, error);
        }

        var unlisted = logFiles.Where(f => !listed.Contains($"{f.S3Bucket}/{f.S3Object}")).ToList();
        var pending = PendingContinuation(ordered, unlisted, parsedFiles);
        foreach (var file in pending)
        {
            ordered.Add((file, file.S3Object));
        }

        foreach (var file in unlisted.Where(f => !pending.Contains(f)))
        {
            ordered.Add((file, file.S3Object));
        }

        var records = 0L;
        var checkedFiles = 0;
        ParsedLogFile? previous = null;
        string? previousName = null;
        foreach (var (file, s3Object) in ordered)
        {
            if (file is null)
            {
                previous = null;
                continue;
            }

            var (parsed, error) = parsedFiles[file];
            checkedFiles++;
            if (parsed is null)
            {
                findings.Add(new(AuditFindingKind.LogFileUnreadable, s3Object, null, error!));
                previous = null;
                continue;
            }

            if (!listed.Contains($"{file.S3Bucket}/{file.S3Object}"))
            {
                findings.Add(pending.Contains(file) || OldestEventTime(parsed) > coveredUntil
                    ? new(AuditFindingKind.LogFileNotYetDigested, s3Object, null, "delivered after the last digest")
                    : new(AuditFindingKind.LogFileInserted, s3Object, null, "no digest lists it, though its records fall in a period digests cover"));
            }

            records += parsed.Records.Count;
            RecordChainAnalysis.Analyse(s3Object, parsed, findings);
            if (previous is not null && !parsed.PreviousHash.AsSpan().SequenceEqual(previous.LastHash))
            {
                findings.Add(new(AuditFindingKind.ChainGap, s3Object, 0, $"it does not start where {previousName} ends: records are missing between them"));
            }

            previous = parsed;
            previousName = s3Object;
        }

        return (checkedFiles, records);
    }

    /// <summary>
    /// The unlisted files that carry the chain on from the last file a digest lists, in chain order:
    /// delivered after the last digest, not slipped in. Their records may be older than that digest's
    /// end (a request that began before it was journaled after), so time alone cannot tell. An
    /// unreadable file on the way is bridged when exactly one file follows no readable file.
    /// </summary>
    private static List<DeliveredLogFile> PendingContinuation(
        List<(DeliveredLogFile? File, string S3Object)> listedInOrder,
        List<DeliveredLogFile> unlisted,
        Dictionary<DeliveredLogFile, (ParsedLogFile? Parsed, string? Error)> parsedFiles)
    {
        var continuation = new List<DeliveredLogFile>();
        if (listedInOrder.Count == 0 || listedInOrder[^1].File is not { } last)
        {
            return continuation;
        }

        var remaining = unlisted.Where(f => parsedFiles[f].Parsed is { Records.Count: > 0 }).ToList();
        var unreadable = unlisted.Where(f => parsedFiles[f].Parsed is null).ToList();
        var ends = parsedFiles.Values.Where(p => p.Parsed is not null).Select(p => Convert.ToHexString(p.Parsed!.LastHash)).ToHashSet(StringComparer.Ordinal);
        var hash = parsedFiles[last].Parsed?.LastHash;
        while (true)
        {
            if (hash is not null && remaining.FirstOrDefault(f => parsedFiles[f].Parsed!.PreviousHash.AsSpan().SequenceEqual(hash)) is { } next)
            {
                continuation.Add(next);
                remaining.Remove(next);
                hash = parsedFiles[next].Parsed!.LastHash;
                continue;
            }

            // The chain cannot be followed through an unreadable file (already a finding): what
            // came after it is the one unlisted file that follows no file still readable.
            if (hash is not null && unreadable.Count == 0)
            {
                break;
            }

            var heads = remaining.Where(f => !ends.Contains(Convert.ToHexString(parsedFiles[f].Parsed!.PreviousHash))).ToList();
            if (heads.Count != 1)
            {
                break;
            }

            if (hash is not null)
            {
                continuation.Add(unreadable[0]);
                unreadable.RemoveAt(0);
            }

            hash = parsedFiles[heads[0]].Parsed!.PreviousHash;
        }

        return continuation;
    }

    private static DateTimeOffset OldestEventTime(ParsedLogFile file)
    {
        var oldest = DateTimeOffset.MaxValue;
        for (var i = 0; i < file.Records.Count; i++)
        {
            if (RecordFields.EventTime(file.Record(i)) is { } time && time < oldest)
            {
                oldest = time;
            }
        }

        return oldest;
    }
}
