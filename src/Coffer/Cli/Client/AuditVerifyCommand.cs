using System.Globalization;
using System.Text.RegularExpressions;
using Coffer.Audit.Digests;
using Coffer.Audit.Verification;

namespace Coffer.Cli.Client;

/// <summary><c>coffer audit verify</c>: downloads log files and digests from the log bucket and runs the verifier over them.</summary>
internal static partial class AuditVerifyCommand
{
    public const string Usage = """
        usage: coffer audit verify [--bucket NAME] [--from TIME] [--to TIME] [--public-key FILE]... [--json]

        Downloads the digests and log files in the range from the log bucket and checks them as
        docs/audit-integrity.md describes: each digest's signature and its link to the one before,
        each log file's SHA-256 against its digest, and the hash chain through every record. Prints
        one line per finding, naming the file (and the record's index in it), and exits 1 when any
        finding is a failure. Log files delivered after the newest digest are reported as not yet
        digested, which is not a failure.

        options:
          --bucket NAME       the log bucket (default coffer-audit-logs)
          --from TIME         start with the digest ending at or after TIME (ISO 8601), and the one before it
          --to TIME           stop at the first digest ending at or after TIME
          --public-key FILE   trust this PEM public key (repeatable); without it, the keys the server
                              published in the log bucket are trusted, which proves less
        example:
          coffer audit verify --public-key audit-key.pem --from 2026-03-01T00:00:00Z
        """;

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--bucket", "--from", "--to", "--public-key"], [], VerifyAsync);

    private static async Task<int> VerifyAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        KeyCommand.NoArguments(line);
        var bucket = line.Get("--bucket") ?? AuditCommand.DefaultBucket;
        var from = ParseTime(line.Get("--from"), "--from") ?? DateTimeOffset.MinValue;
        var to = ParseTime(line.Get("--to"), "--to") ?? DateTimeOffset.MaxValue;
        var publicKeys = ReadPublicKeys(line.All("--public-key"));
        var keysFromBucket = publicKeys.Count == 0;
        if (keysFromBucket)
        {
            publicKeys = (await AuditPublicKeyCommand.FetchAsync(client, bucket, cancellationToken).ConfigureAwait(false)).Select(k => k.Key).ToList();
        }

        var keys = await client.S3ListKeysAsync(bucket, "AWSLogs/", cancellationToken).ConfigureAwait(false);
        var digestKeys = keys.Where(k => k.Contains("/CloudTrail-Digest/", StringComparison.Ordinal) && Stamp(k) is not null).OrderBy(k => Stamp(k)).ToList();
        var logKeys = keys.Where(k => k.Contains("/CloudTrail/", StringComparison.Ordinal) && Stamp(k) is not null).ToList();
        var (selected, reachesEnd) = SelectDigests(digestKeys, from, to);

        var findings = new List<AuditFinding>();
        var digests = new List<DeliveredDigest>();
        var listed = new List<string>();
        foreach (var key in selected)
        {
            var found = await DownloadAsync(client, bucket, key, AuditFindingKind.DigestUnreadable, findings, cancellationToken).ConfigureAwait(false);
            if (found is not { } digest)
            {
                continue;
            }

            digests.Add(new DeliveredDigest(bucket, key, digest.Body, digest.Metadata.GetValueOrDefault("signature")));
            try
            {
                listed.AddRange(AuditDigests.Parse(Gunzip(digest.Body)).LogFiles.Where(f => f.S3Bucket == bucket).Select(f => f.S3Object));
            }
            catch (System.Text.Json.JsonException)
            {
                // The verifier names it unreadable.
            }
        }

        // The files the digests list (wherever their names date them), and, up to the trail's end,
        // those delivered since: the verifier tells the ones still waiting for a digest from inserted ones.
        var wanted = new List<string>(listed.Distinct(StringComparer.Ordinal));
        if (reachesEnd)
        {
            var floor = from == DateTimeOffset.MinValue ? from : from.AddMinutes(-1);
            wanted.AddRange(logKeys.Where(k => Stamp(k) >= floor && Stamp(k) <= to).Except(wanted, StringComparer.Ordinal).OrderBy(k => k, StringComparer.Ordinal));
        }

        var logFiles = new List<DeliveredLogFile>();
        foreach (var key in wanted)
        {
            var found = await DownloadAsync(client, bucket, key, AuditFindingKind.LogFileUnreadable, findings, cancellationToken).ConfigureAwait(false);
            if (found is { } file)
            {
                logFiles.Add(new DeliveredLogFile(bucket, key, file.Body));
            }
            else if (!findings.Any(f => f.S3Object == key))
            {
                // Listed but gone: the verifier reports it deleted.
                continue;
            }
            else
            {
                // Could not be read back: checked as empty, so its digest entry fails too.
                logFiles.Add(new DeliveredLogFile(bucket, key, Array.Empty<byte>()));
            }
        }

        var report = AuditVerifier.Verify(digests, logFiles, publicKeys);
        var unreadable = findings.Select(f => f.S3Object).ToHashSet(StringComparer.Ordinal);
        findings.AddRange(report.Findings.Where(f => !(f.Kind == AuditFindingKind.LogFileUnreadable && unreadable.Contains(f.S3Object))));
        var valid = findings.All(f => !f.IsFailure);
        Print(line.Json, bucket, findings, report, valid, keysFromBucket);
        return valid ? 0 : 1;
    }

    /// <summary>
    /// The digests to check, in time order, and whether they run to the newest: those ending from
    /// <paramref name="from"/> (with the one before, so the first link is checked) through the first
    /// ending at or after <paramref name="to"/>.
    /// </summary>
    internal static (List<string> Selected, bool ReachesEnd) SelectDigests(List<string> digestKeys, DateTimeOffset from, DateTimeOffset to)
    {
        var first = digestKeys.FindIndex(k => Stamp(k) >= from);
        if (first < 0)
        {
            return (digestKeys.Count > 0 ? [digestKeys[^1]] : [], true);
        }

        first = Math.Max(0, first - 1);
        var last = digestKeys.FindIndex(first, k => Stamp(k) >= to);
        last = last < 0 ? digestKeys.Count - 1 : last;
        return (digestKeys.GetRange(first, last - first + 1), last == digestKeys.Count - 1);
    }

    /// <summary>The time a log file's or digest's name carries (YYYYMMDDTHHmmZ or YYYYMMDDTHHmmssZ); null for other objects.</summary>
    internal static DateTimeOffset? Stamp(string key)
    {
        var match = StampPattern().Match(key);
        if (!match.Success)
        {
            return null;
        }

        var text = match.Groups[1].Value;
        var format = text.Length == 14 ? "yyyyMMdd'T'HHmm'Z'" : "yyyyMMdd'T'HHmmss'Z'";
        return DateTimeOffset.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
    }

    [GeneratedRegex(@"_(\d{8}T\d{4}(?:\d{2})?Z)(?:_[^/_]+)?\.json\.gz$")]
    private static partial Regex StampPattern();

    private static async Task<(byte[] Body, Dictionary<string, string> Metadata)?> DownloadAsync(
        CofferClient client, string bucket, string key, AuditFindingKind unreadable, List<AuditFinding> findings, CancellationToken cancellationToken)
    {
        try
        {
            return await client.S3GetAsync(bucket, key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CofferApiException { Code: not ("AccessDenied" or "NoSuchBucket") } or HttpRequestException or IOException)
        {
            findings.Add(new AuditFinding(unreadable, key, null, $"the server could not return it ({e.Message}): its stored bytes are damaged"));
            return null;
        }
    }

    private static byte[] Gunzip(byte[] content)
    {
        if (content.Length < 2 || content[0] != 0x1f || content[1] != 0x8b)
        {
            return content;
        }

        try
        {
            using var input = new System.IO.Compression.GZipStream(new MemoryStream(content), System.IO.Compression.CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            return content;
        }
    }

    private static List<AuditPublicKey> ReadPublicKeys(IReadOnlyList<string> files)
    {
        var keys = new List<AuditPublicKey>();
        foreach (var file in files)
        {
            try
            {
                keys.Add(AuditPublicKey.FromPem(File.ReadAllText(file)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                throw new UsageException($"--public-key {file}: not a readable PEM public key ({e.Message})");
            }
        }

        return keys;
    }

    private static DateTimeOffset? ParseTime(string? text, string option) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time
        : throw new UsageException($"{option} {text}: expected an ISO 8601 time such as 2026-03-01T00:00:00Z");

    private static void Print(bool json, string bucket, List<AuditFinding> findings, AuditVerificationReport report, bool valid, bool keysFromBucket)
    {
        if (json)
        {
            KeyCommand.WriteJson(new
            {
                bucket,
                valid,
                digestsChecked = report.DigestsChecked,
                logFilesChecked = report.LogFilesChecked,
                recordsChecked = report.RecordsChecked,
                publicKeysFromBucket = keysFromBucket,
                findings = findings.Select(f => new { kind = f.Kind.ToString(), s3Object = f.S3Object, recordIndex = f.RecordIndex, message = f.Message, failure = f.IsFailure }),
            });
            return;
        }

        foreach (var finding in findings)
        {
            Console.WriteLine(finding.ToString());
        }

        if (keysFromBucket)
        {
            Console.WriteLine("note: trusted the public keys published in the log bucket; --public-key with a copy kept elsewhere proves more");
        }

        var failures = findings.Count(f => f.IsFailure);
        Console.WriteLine($"{report.DigestsChecked} digests, {report.LogFilesChecked} log files, {report.RecordsChecked} records checked in {bucket}: "
            + (valid ? "the trail is intact" : $"{failures} problem(s) found"));
    }
}
