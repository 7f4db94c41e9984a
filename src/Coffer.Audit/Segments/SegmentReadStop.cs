namespace Coffer.Audit.Segments;

/// <summary>Why a <see cref="SegmentReader"/> stopped.</summary>
internal enum SegmentReadStop
{
    /// <summary>Still reading.</summary>
    None,

    /// <summary>Every byte (up to the limit) was a verified line.</summary>
    End,

    /// <summary>The last bytes are a line without its '\n': a write cut off by a crash.</summary>
    TornTail,

    /// <summary>A complete line is malformed or does not follow the chain.</summary>
    InvalidLine,
}
