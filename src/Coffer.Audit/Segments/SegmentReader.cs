using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Coffer.Audit.Chain;
using Coffer.Audit.Records;

namespace Coffer.Audit.Segments;

/// <summary>
/// Reads a segment forward, verifying each line against the chain as it goes. It stops at the
/// first line that is torn or does not verify; <see cref="ValidLength"/> is then the end of the
/// last good line, which is where recovery truncates.
/// </summary>
internal sealed class SegmentReader : IDisposable
{
    private const int InitialBuffer = 64 * 1024;

    private readonly FileStream _stream;
    private readonly long _limit;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _previousHash = new byte[AuditChain.HashSize];
    private readonly byte[] _chain = new byte[AuditChain.HashSize];
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    private int _start;
    private int _end;
    private long _bufferOffset;
    private bool _endOfFile;
    private int _currentStart;
    private int _currentLength;

    private SegmentReader(FileStream stream, long limit)
    {
        _stream = stream;
        _limit = limit;
    }

    public required SegmentHeader Header { get; init; }

    public ReadOnlySpan<byte> PreviousHash => _previousHash;

    /// <summary>The chain hash of the last verified line (the previous hash before any).</summary>
    public ReadOnlySpan<byte> LastHash => _chain;

    /// <summary>File offset just past the last verified line (or the header).</summary>
    public long ValidLength { get; private set; }

    public int RecordCount { get; private set; }

    public SegmentReadStop Stop { get; private set; }

    /// <summary>The current record's JSON; valid until the next <see cref="TryRead"/>.</summary>
    public ReadOnlySpan<byte> CurrentJson => _buffer.AsSpan(_currentStart + AuditChain.HexLength + 1, _currentLength - AuditChain.HexLength - 1);

    /// <summary>The current record's chain hash as 64 hex digits.</summary>
    public ReadOnlySpan<byte> CurrentHashHex => _buffer.AsSpan(_currentStart, AuditChain.HexLength);

    /// <summary>
    /// Opens a segment and reads its header. Reads stop at <paramref name="limit"/> bytes (the
    /// journal's committed length for the active segment). Throws <see cref="InvalidDataException"/>
    /// when the header is missing, torn or not a known format.
    /// </summary>
    public static SegmentReader Open(string path, long limit = long.MaxValue) => Open(path, limit, 0, default);

    /// <summary>
    /// Opens a segment to read on from <paramref name="offset"/> (the end of a line read before),
    /// where the chain stood at <paramref name="chainHash"/>: a follower resumes without rereading.
    /// </summary>
    public static SegmentReader Open(string path, long limit, long offset, ReadOnlySpan<byte> chainHash)
    {
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0,
            Options = FileOptions.SequentialScan,
        });
        try
        {
            var reader = new SegmentReader(stream, Math.Min(limit, stream.Length)) { Header = ReadHeader(stream, limit, out var headerLength) };
            reader.Start(headerLength);
            if (offset > headerLength)
            {
                chainHash.CopyTo(reader._chain);
                reader.ValidLength = reader._bufferOffset = stream.Position = offset;
            }

            return reader;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static SegmentHeader ReadHeader(FileStream stream, long limit, out int headerLength)
    {
        Span<byte> first = stackalloc byte[1024];
        first = first[..(int)Math.Min(first.Length, Math.Min(limit, stream.Length))];
        var read = first.IsEmpty ? 0 : stream.ReadAtLeast(first, first.Length, throwOnEndOfStream: false);
        var newline = first[..read].IndexOf((byte)'\n');
        if (newline < 0)
        {
            throw new InvalidDataException("The segment has no complete header line.");
        }

        SegmentHeader? header;
        try
        {
            header = JsonSerializer.Deserialize(first[..newline], AuditJsonContext.Default.SegmentHeader);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException("The segment header is not valid JSON.", e);
        }

        if (header is null || !header.IsKnownFormat || header.PreviousHash.Length != AuditChain.HexLength)
        {
            throw new InvalidDataException("The segment header is not a known segment format.");
        }

        headerLength = newline + 1;
        return header;
    }

    private void Start(int headerLength)
    {
        if (!Hex.TryParse(Header.PreviousHash, _previousHash))
        {
            throw new InvalidDataException("The segment header's previous hash is not hex.");
        }

        _previousHash.CopyTo(_chain, 0);
        ValidLength = headerLength;
        _bufferOffset = headerLength;
        _stream.Position = headerLength;
    }

    /// <summary>Moves to the next verified record; false at the end or at the first bad line (see <see cref="Stop"/>).</summary>
    public bool TryRead()
    {
        if (Stop != SegmentReadStop.None)
        {
            return false;
        }

        if (!TryNextLine(out var lineStart, out var lineLength))
        {
            Stop = _end > _start ? SegmentReadStop.TornTail : SegmentReadStop.End;
            return false;
        }

        var line = _buffer.AsSpan(lineStart, lineLength);
        Span<byte> expected = stackalloc byte[AuditChain.HashSize];
        if (lineLength <= AuditChain.HexLength + 1 || line[AuditChain.HexLength] != (byte)' ' || !Hex.TryParse(line[..AuditChain.HexLength], expected))
        {
            Stop = SegmentReadStop.InvalidLine;
            return false;
        }

        Span<byte> actual = stackalloc byte[AuditChain.HashSize];
        AuditChain.Next(_hash, _chain, line[(AuditChain.HexLength + 1)..], actual);
        if (!actual.SequenceEqual(expected))
        {
            Stop = SegmentReadStop.InvalidLine;
            return false;
        }

        actual.CopyTo(_chain);
        _currentStart = lineStart;
        _currentLength = lineLength;
        ValidLength += lineLength + 1;
        RecordCount++;
        return true;
    }

    /// <summary>The next line without its '\n', from the buffer, reading more as needed.</summary>
    private bool TryNextLine(out int lineStart, out int lineLength)
    {
        var searched = 0;
        while (true)
        {
            var newline = _buffer.AsSpan(_start + searched, _end - _start - searched).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                lineStart = _start;
                lineLength = searched + newline;
                _start += lineLength + 1;
                return true;
            }

            searched = _end - _start;
            if (_endOfFile || !Fill())
            {
                lineStart = lineLength = 0;
                return false;
            }
        }
    }

    private bool Fill()
    {
        if (_start > 0)
        {
            // Keep the unfinished line; the current record's bytes are no longer needed.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var remaining = _limit - (_bufferOffset + _end);
        if (remaining <= 0)
        {
            _endOfFile = true;
            return false;
        }

        var read = _stream.Read(_buffer, _end, (int)Math.Min(_buffer.Length - _end, remaining));
        if (read == 0)
        {
            _endOfFile = true;
            return false;
        }

        _end += read;
        return true;
    }

    /// <summary>Reads the whole segment and returns its last hash; throws when any line fails to verify.</summary>
    public static byte[] ReadLastHash(string path)
    {
        using var reader = Open(path);
        while (reader.TryRead())
        {
        }

        if (reader.Stop != SegmentReadStop.End)
        {
            throw new AuditJournalCorruptException($"Audit segment {reader.Header.Sequence} does not verify after offset {reader.ValidLength}.");
        }

        return reader.LastHash.ToArray();
    }

    public void Dispose()
    {
        _stream.Dispose();
        _hash.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
