using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Coffer.Audit.Records;

/// <summary>
/// Records to and from their JSON. Each thread reuses one writer and buffer, so serialising a
/// record for the journal costs one pooled array, returned once its line is chained and buffered.
/// </summary>
public static class AuditRecordSerializer
{
    // Relaxed escaping keeps user agents and keys readable; the output is never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private const int MaxKeptBuffer = 256 * 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? _threadWriter;

    /// <summary>The record's JSON on one line, redacted.</summary>
    public static byte[] Serialize(AuditRecord record) => SerializeToBuffer(record).WrittenSpan.ToArray();

    /// <summary>
    /// The record's JSON as a journal line in a pooled array: <paramref name="prefix"/> bytes left
    /// for the writer to fill, the JSON, then '\n'. The caller returns the array.
    /// </summary>
    internal static (byte[] Buffer, int Length) SerializeLineToRented(AuditRecord record, int prefix)
    {
        var json = SerializeToBuffer(record).WrittenSpan;
        var length = prefix + json.Length + 1;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        json.CopyTo(rented.AsSpan(prefix));
        rented[length - 1] = (byte)'\n';
        return (rented, length);
    }

    public static AuditRecord Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, AuditJsonContext.Default.AuditRecord)
        ?? throw new JsonException("An audit record cannot be null.");

    private static ArrayBufferWriter<byte> SerializeToBuffer(AuditRecord record)
    {
        // An unusually large record should not pin its buffer to the thread for good.
        if (_threadBuffer is { Capacity: > MaxKeptBuffer })
        {
            _threadBuffer = null;
        }

        var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = _threadWriter ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);
        JsonSerializer.Serialize(writer, record, AuditJsonContext.Default.AuditRecord);
        writer.Flush();
        return buffer;
    }
}
