using Coffer.Audit.Chain;

namespace Coffer.Audit.Verification;

/// <summary>
/// Finds and names record-level tampering in one log file. Each link is checked against the
/// stored hash before it, not a recomputed one, so one altered record breaks one link only and
/// is named exactly. Deleted and inserted records show as a shift between records and hashes.
/// </summary>
internal static class RecordChainAnalysis
{
    // Matching moved records against every broken link is quadratic; past this many, each is reported as modified.
    private const int MaxReorderCandidates = 1024;

    public static void Analyse(string s3Object, ParsedLogFile file, List<AuditFinding> findings)
    {
        var records = file.Records.Count;
        var hashes = file.Hashes.Count;
        if (records == hashes)
        {
            ReportBrokenLinks(s3Object, file, 0, 0, records, findings);
            return;
        }

        var shift = Math.Abs(records - hashes);
        var aligned = Math.Min(records, hashes);
        var first = 0;
        while (first < aligned && Links(file, first, first))
        {
            first++;
        }

        if (records < hashes && (first == records || Links(file, first + shift, first)))
        {
            findings.Add(new(AuditFindingKind.RecordDeleted, s3Object, first, $"{shift} record(s) deleted here: the chain has {hashes} hashes, the file {records} records"));
            ReportBrokenLinks(s3Object, file, first + 1, first + 1 + shift, records - first - 1, findings);
        }
        else if (records > hashes && (first == hashes || Links(file, first, first + shift)))
        {
            findings.Add(new(AuditFindingKind.RecordInserted, s3Object, first, $"{shift} record(s) inserted here that the chain has no place for"));
            ReportBrokenLinks(s3Object, file, first + 1 + shift, first + 1, hashes - first - 1, findings);
        }
        else
        {
            findings.Add(new(AuditFindingKind.RecordModified, s3Object, first,
                $"the chain breaks here, and the file has {records} records for {hashes} chain hashes"));
        }
    }

    /// <summary>Checks <paramref name="count"/> records from <paramref name="recordStart"/> against hashes from <paramref name="hashStart"/>.</summary>
    private static void ReportBrokenLinks(string s3Object, ParsedLogFile file, int recordStart, int hashStart, int count, List<AuditFinding> findings)
    {
        var broken = new List<int>();
        for (var i = 0; i < count; i++)
        {
            if (!Links(file, hashStart + i, recordStart + i))
            {
                broken.Add(i);
            }
        }

        foreach (var i in broken)
        {
            var belongsAt = -1;
            if (broken.Count <= MaxReorderCandidates)
            {
                foreach (var j in broken)
                {
                    if (j != i && Links(file, hashStart + j, recordStart + i))
                    {
                        belongsAt = j;
                        break;
                    }
                }
            }

            findings.Add(belongsAt >= 0
                ? new(AuditFindingKind.RecordReordered, s3Object, recordStart + i, $"this record belongs at position {recordStart + belongsAt}")
                : new(AuditFindingKind.RecordModified, s3Object, recordStart + i, "the record's bytes do not give its chain hash"));
        }
    }

    /// <summary>Whether record <paramref name="record"/> gives chain hash <paramref name="hash"/> from the stored hash before it.</summary>
    private static bool Links(ParsedLogFile file, int hash, int record)
    {
        if (hash < 0 || hash >= file.Hashes.Count || record < 0 || record >= file.Records.Count)
        {
            return false;
        }

        var previous = hash == 0 ? file.PreviousHash : file.Hashes[hash - 1];
        return AuditChain.Links(previous, file.Record(record), file.Hashes[hash]);
    }
}
