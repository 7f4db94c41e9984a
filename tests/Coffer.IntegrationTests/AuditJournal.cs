using System.Text;
using System.Text.Json;
using Coffer.Audit.Chain;

namespace Coffer.IntegrationTests;

/// <summary>Reads a server's audit segments (DATA/audit/segments) as a verifier would: every line's hash checked against the chain.</summary>
internal static class AuditJournal
{
    public static string Directory(string dataDirectory) => Path.Combine(dataDirectory, "audit", "segments");

    /// <summary>Every complete record, oldest first; fails when a link of the chain does not verify.</summary>
    public static List<JsonElement> Records(string dataDirectory)
    {
        var records = new List<JsonElement>();
        byte[]? previous = null;
        foreach (var path in System.IO.Directory.GetFiles(Directory(dataDirectory), "*.seg").Order(StringComparer.Ordinal))
        {
            var text = ReadShared(path);
            var lines = text.Split('\n');

            // The last element is what follows the final newline: empty, or a line still being written.
            using var header = JsonDocument.Parse(lines[0]);
            var headerPrevious = Convert.FromHexString(header.RootElement.GetProperty("previousHash").GetString()!);
            if (previous is not null && !headerPrevious.AsSpan().SequenceEqual(previous))
            {
                throw new InvalidDataException($"{path} does not continue the chain of the segment before it.");
            }

            previous = headerPrevious;
            for (var i = 1; i < lines.Length - 1; i++)
            {
                var line = lines[i];
                var hash = Convert.FromHexString(line.AsSpan(0, AuditChain.HexLength));
                var json = Encoding.UTF8.GetBytes(line[(AuditChain.HexLength + 1)..]);
                if (!AuditChain.Links(previous, json, hash))
                {
                    throw new InvalidDataException($"{path} line {i} does not verify against the chain.");
                }

                previous = hash;
                records.Add(JsonDocument.Parse(json).RootElement.Clone());
            }
        }

        return records;
    }

    /// <summary>The raw bytes of every segment, to search for what must never be written.</summary>
    public static string AllText(string dataDirectory) =>
        string.Concat(System.IO.Directory.GetFiles(Directory(dataDirectory), "*.seg").Order(StringComparer.Ordinal).Select(ReadShared));

    /// <summary>The one record with this request id; fails when there is none or more than one.</summary>
    public static JsonElement ByRequestId(string dataDirectory, string requestId) =>
        Records(dataDirectory).Where(r => r.TryGetProperty("requestID", out var id) && id.GetString() == requestId).Single();

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
