using System.Text;

namespace Coffer.Audit.Lookup;

/// <summary>A record a lookup matched: its place in the order (time, then order indexed) and where its JSON is.</summary>
internal readonly record struct LookupMatch(long Time, long Order, long Segment, long Offset, int Length);

/// <summary>An <see cref="AuditQuery"/>'s filters as tests on a block's dictionaries and columns.</summary>
internal sealed class BlockFilter
{
    private readonly List<(BlockField Field, Func<ReadOnlySpan<byte>, bool> Matches)> _fields = [];
    private readonly bool? _readOnly;

    public BlockFilter(AuditQuery query)
    {
        Start = query.StartTime?.ToUnixTimeMilliseconds() ?? long.MinValue;
        End = query.EndTime?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        _readOnly = query.ReadOnly;
        Equal(BlockField.EventId, query.EventId);
        Equal(BlockField.EventName, query.EventName);
        Equal(BlockField.EventSource, query.EventSource);
        Equal(BlockField.Username, query.Username);
        Equal(BlockField.PrincipalArn, query.PrincipalArn);
        Equal(BlockField.AccessKeyId, query.AccessKeyId);
        Equal(BlockField.Bucket, query.Bucket);
        Equal(BlockField.ErrorCode, query.ErrorCode);
        Equal(BlockField.SourceIp, query.SourceIpAddress);
        Equal(BlockField.ResourceType, query.ResourceType);
        Equal(BlockField.ResourceName, query.ResourceName is null ? null : AuditLookupResource.NameOf(query.ResourceName));
        if (!string.IsNullOrEmpty(query.KeyPrefix))
        {
            var prefix = Encoding.UTF8.GetBytes(query.KeyPrefix);
            _fields.Add((BlockField.ObjectKey, value => value.StartsWith(prefix)));
        }
    }

    /// <summary>The time range in Unix milliseconds, inclusive.</summary>
    public long Start { get; }

    public long End { get; }

    /// <summary>
    /// Adds the block's records that match to <paramref name="matches"/>: at or after
    /// <paramref name="start"/>, and before <paramref name="after"/> (a previous page's last) when given.
    /// </summary>
    public void Collect(AuditLookupBlock block, long firstOrder, long segment, long start, (long Time, long Order)? after, List<LookupMatch> matches)
    {
        // Every field's dictionary first: a block without a wanted value is skipped unread.
        var codes = new bool[_fields.Count][];
        for (var i = 0; i < _fields.Count; i++)
        {
            if (block.MatchingCodes(_fields[i].Field, _fields[i].Matches) is not { } matching)
            {
                return;
            }

            codes[i] = matching;
        }

        var times = block.Times();
        var candidates = new bool[block.Count];
        for (var record = 0; record < block.Count; record++)
        {
            var time = times[record];
            candidates[record] = time >= start && time <= End
                && (after is not { } last || time < last.Time || (time == last.Time && firstOrder + record < last.Order))
                && (_readOnly is not { } readOnly || block.ReadOnly(record) == readOnly);
        }

        for (var i = 0; i < _fields.Count; i++)
        {
            block.Keep(_fields[i].Field, codes[i], candidates);
        }

        AuditLookupBlock.Location[]? locations = null;
        for (var record = 0; record < block.Count; record++)
        {
            if (candidates[record])
            {
                locations ??= block.Locations();
                matches.Add(new LookupMatch(times[record], firstOrder + record, segment, locations[record].Offset, locations[record].Length));
            }
        }
    }

    private void Equal(BlockField field, string? value)
    {
        if (value is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(value);
            _fields.Add((field, candidate => candidate.SequenceEqual(bytes)));
        }
    }
}
