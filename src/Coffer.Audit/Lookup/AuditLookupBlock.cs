using System.Buffers;
using System.Text;

namespace Coffer.Audit.Lookup;

/// <summary>The filterable fields a block keeps a column of, in the block's section order.</summary>
internal enum BlockField
{
    EventId,
    EventName,
    EventSource,
    Username,
    PrincipalArn,
    AccessKeyId,
    Bucket,
    ObjectKey,
    ErrorCode,
    SourceIp,
    ResourceType,
    ResourceName,
}

/// <summary>
/// One indexed batch of records as a compact column block: per record its event time, where its
/// JSON lies in the journal segment, and whether it is read-only; per field a dictionary of the
/// batch's distinct values and each record's entry in it (resources: any number of entries per
/// record). A lookup reads a field's dictionary first and skips the block when no value matches,
/// so a rare value over 90 days costs a dictionary scan per block, not a read of every record.
/// </summary>
/// <remarks>
/// Layout: version byte, record count, section count and each section's length (all unsigned
/// LEB128 varints), then the sections: times (milliseconds after the block's first-indexed
/// minimum), locations (offset delta from the previous record's offset, length), the read-only
/// bitmap, then one section per <see cref="BlockField"/>: the dictionary (entry count, then each
/// entry's UTF-8 length and bytes), then per record its code (0 for no value, else the entry's
/// number from 1), or for the resource fields a count followed by that many codes.
/// </remarks>
internal sealed class AuditLookupBlock
{
    /// <summary>A record's JSON: its offset in the segment file and its length.</summary>
    public readonly record struct Location(long Offset, int Length);

    private const byte Version = 1;
    private const int FixedSections = 3;
    private static readonly int FieldCount = Enum.GetValues<BlockField>().Length;
    private static readonly int SectionCount = FixedSections + FieldCount;

    private readonly byte[] _data;
    private readonly int[] _sectionStart;
    private readonly int[] _sectionEnd;

    private AuditLookupBlock(byte[] data, long minTime, int count, int[] sectionStart, int[] sectionEnd)
    {
        _data = data;
        MinTime = minTime;
        Count = count;
        _sectionStart = sectionStart;
        _sectionEnd = sectionEnd;
    }

    public long MinTime { get; }

    public int Count { get; }

    /// <summary>Opens a block written by <see cref="Builder"/>; <see cref="InvalidDataException"/> when it is not one.</summary>
    public static AuditLookupBlock Open(byte[] data, long minTime)
    {
        var position = 0;
        if (data.Length == 0 || data[position++] != Version)
        {
            throw new InvalidDataException("The lookup block is not of a known version.");
        }

        var count = checked((int)ReadVarint(data, ref position));
        var sections = checked((int)ReadVarint(data, ref position));
        if (sections != SectionCount)
        {
            throw new InvalidDataException("The lookup block has an unexpected number of sections.");
        }

        var lengths = new long[sections];
        for (var i = 0; i < sections; i++)
        {
            lengths[i] = checked((long)ReadVarint(data, ref position));
        }

        var start = new int[sections];
        var end = new int[sections];
        for (var i = 0; i < sections; i++)
        {
            start[i] = position;
            position = checked((int)(position + lengths[i]));
            end[i] = position <= data.Length ? position : throw new InvalidDataException("The lookup block is truncated.");
        }

        return new AuditLookupBlock(data, minTime, count, start, end);
    }

    /// <summary>Each record's event time, in Unix milliseconds.</summary>
    public long[] Times()
    {
        var times = new long[Count];
        var position = _sectionStart[0];
        for (var i = 0; i < Count; i++)
        {
            times[i] = MinTime + (long)ReadVarint(_data, ref position);
        }

        return times;
    }

    /// <summary>Where each record's JSON is in the block's journal segment.</summary>
    public Location[] Locations()
    {
        var locations = new Location[Count];
        var position = _sectionStart[1];
        var offset = 0L;
        for (var i = 0; i < Count; i++)
        {
            offset += checked((long)ReadVarint(_data, ref position));
            locations[i] = new Location(offset, checked((int)ReadVarint(_data, ref position)));
        }

        return locations;
    }

    public bool ReadOnly(int record) => (_data[_sectionStart[2] + (record >> 3)] & (1 << (record & 7))) != 0;

    /// <summary>
    /// Which dictionary entries of <paramref name="field"/> satisfy <paramref name="matches"/>:
    /// indexed by code (entry 0, no value, never matches); null when none does.
    /// </summary>
    public bool[]? MatchingCodes(BlockField field, Func<ReadOnlySpan<byte>, bool> matches)
    {
        var position = _sectionStart[FixedSections + (int)field];
        var entries = checked((int)ReadVarint(_data, ref position));
        bool[]? found = null;
        for (var code = 1; code <= entries; code++)
        {
            var length = checked((int)ReadVarint(_data, ref position));
            if (matches(_data.AsSpan(position, length)))
            {
                found ??= new bool[entries + 1];
                found[code] = true;
            }

            position += length;
        }

        return found;
    }

    /// <summary>Clears each of <paramref name="candidates"/> whose record has no value of <paramref name="field"/> among <paramref name="codes"/>.</summary>
    public void Keep(BlockField field, bool[] codes, bool[] candidates)
    {
        var position = _sectionStart[FixedSections + (int)field];
        var entries = ReadVarint(_data, ref position);
        for (var i = 0UL; i < entries; i++)
        {
            var length = checked((int)ReadVarint(_data, ref position));
            position += length;
        }

        var multiple = field is BlockField.ResourceType or BlockField.ResourceName;
        for (var record = 0; record < Count; record++)
        {
            if (!multiple)
            {
                candidates[record] &= codes[Code(ref position, codes.Length)];
                continue;
            }

            var any = false;
            for (var n = ReadVarint(_data, ref position); n > 0; n--)
            {
                any |= codes[Code(ref position, codes.Length)];
            }

            candidates[record] &= any;
        }
    }

    private int Code(ref int position, int codes)
    {
        var code = ReadVarint(_data, ref position);
        return code < (ulong)codes ? (int)code : throw new InvalidDataException("The lookup block names a value it does not hold.");
    }

    /// <summary>Reads an unsigned LEB128 varint; <see cref="InvalidDataException"/> when it runs past the end.</summary>
    private static ulong ReadVarint(byte[] data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= data.Length)
            {
                throw new InvalidDataException("The lookup block is truncated.");
            }

            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("The lookup block holds a malformed number.");
    }

    private static void WriteVarint(IBufferWriter<byte> output, ulong value)
    {
        var span = output.GetSpan(10);
        var written = 0;
        while (value >= 0x80)
        {
            span[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[written++] = (byte)value;
        output.Advance(written);
    }

    /// <summary>Collects a batch of records into a block, in the order they are indexed.</summary>
    public sealed class Builder
    {
        private readonly List<long> _times = [];
        private readonly List<(long Offset, int Length)> _locations = [];
        private readonly List<bool> _readOnly = [];
        private readonly Column[] _columns = Enumerable.Range(0, FieldCount).Select(_ => new Column()).ToArray();

        public int Count => _times.Count;

        public long MinTime { get; private set; } = long.MaxValue;

        public long MaxTime { get; private set; } = long.MinValue;

        public void Add(IndexedFields fields, long offset, int length)
        {
            _times.Add(fields.EventTime);
            MinTime = Math.Min(MinTime, fields.EventTime);
            MaxTime = Math.Max(MaxTime, fields.EventTime);
            _locations.Add((offset, length));
            _readOnly.Add(fields.ReadOnly);
            _columns[(int)BlockField.EventId].Add(fields.EventId);
            _columns[(int)BlockField.EventName].Add(fields.EventName);
            _columns[(int)BlockField.EventSource].Add(fields.EventSource);
            _columns[(int)BlockField.Username].Add(fields.Username);
            _columns[(int)BlockField.PrincipalArn].Add(fields.PrincipalArn);
            _columns[(int)BlockField.AccessKeyId].Add(fields.AccessKeyId);
            _columns[(int)BlockField.Bucket].Add(fields.Bucket);
            _columns[(int)BlockField.ObjectKey].Add(fields.ObjectKey);
            _columns[(int)BlockField.ErrorCode].Add(fields.ErrorCode);
            _columns[(int)BlockField.SourceIp].Add(fields.SourceIp);
            _columns[(int)BlockField.ResourceType].AddAll(fields.Resources.Select(r => r.ResourceType).Distinct());
            _columns[(int)BlockField.ResourceName].AddAll(fields.Resources.Select(r => r.ResourceName).Distinct());
        }

        public byte[] Build()
        {
            if (Count == 0)
            {
                throw new InvalidOperationException("A lookup block holds at least one record.");
            }

            var sections = new ArrayBufferWriter<byte>[SectionCount];
            for (var i = 0; i < sections.Length; i++)
            {
                sections[i] = new ArrayBufferWriter<byte>();
            }

            var previous = 0L;
            for (var i = 0; i < Count; i++)
            {
                WriteVarint(sections[0], (ulong)(_times[i] - MinTime));
                WriteVarint(sections[1], (ulong)(_locations[i].Offset - previous));
                WriteVarint(sections[1], (ulong)_locations[i].Length);
                previous = _locations[i].Offset;
            }

            var bitmap = sections[2].GetSpan((Count + 7) / 8)[..((Count + 7) / 8)];
            bitmap.Clear();
            for (var i = 0; i < Count; i++)
            {
                if (_readOnly[i])
                {
                    bitmap[i >> 3] |= (byte)(1 << (i & 7));
                }
            }

            sections[2].Advance(bitmap.Length);
            for (var field = 0; field < FieldCount; field++)
            {
                _columns[field].WriteTo(sections[FixedSections + field]);
            }

            var block = new ArrayBufferWriter<byte>(sections.Sum(s => s.WrittenCount) + 64);
            block.GetSpan(1)[0] = Version;
            block.Advance(1);
            WriteVarint(block, (ulong)Count);
            WriteVarint(block, (ulong)SectionCount);
            foreach (var section in sections)
            {
                WriteVarint(block, (ulong)section.WrittenCount);
            }

            foreach (var section in sections)
            {
                block.Write(section.WrittenSpan);
            }

            return block.WrittenSpan.ToArray();
        }

        /// <summary>A field's dictionary (first-seen order) and each record's codes.</summary>
        private sealed class Column
        {
            private readonly Dictionary<string, int> _codes = new(StringComparer.Ordinal);
            private readonly List<string> _entries = [];
            private readonly List<int> _records = [];

            public void Add(string? value) => _records.Add(Code(value));

            /// <summary>A record with any number of values: their count, then each code.</summary>
            public void AddAll(IEnumerable<string> values)
            {
                var countAt = _records.Count;
                _records.Add(0);
                foreach (var value in values)
                {
                    _records.Add(Code(value));
                    _records[countAt]++;
                }
            }

            private int Code(string? value)
            {
                if (value is null)
                {
                    return 0;
                }

                if (!_codes.TryGetValue(value, out var code))
                {
                    _entries.Add(value);
                    code = _entries.Count;
                    _codes.Add(value, code);
                }

                return code;
            }

            public void WriteTo(ArrayBufferWriter<byte> output)
            {
                WriteVarint(output, (ulong)_entries.Count);
                foreach (var entry in _entries)
                {
                    var length = Encoding.UTF8.GetByteCount(entry);
                    WriteVarint(output, (ulong)length);
                    output.Advance(Encoding.UTF8.GetBytes(entry, output.GetSpan(length)));
                }

                foreach (var code in _records)
                {
                    WriteVarint(output, (ulong)code);
                }
            }
        }
    }
}
