namespace Coffer.Bench.S3;

/// <summary>What the <c>s3</c> command measures, and against which endpoint.</summary>
internal sealed record S3BenchOptions
{
    public required Uri Endpoint { get; init; }

    public required string AccessKey { get; init; }

    public required string SecretKey { get; init; }

    public string Region { get; init; } = "us-east-1";

    public string Bucket { get; init; } = "coffer-bench";

    /// <summary>Size of the one object written and read back by a single stream; 0 skips the large phases.</summary>
    public long LargeSize { get; init; }

    public long SmallSize { get; init; }

    /// <summary>How many distinct small objects are written, read and deleted; 0 skips the small phases.</summary>
    public int SmallOperations { get; init; }

    public int Concurrency { get; init; }

    /// <summary>Upper bound on each phase; a phase that runs out of time reports what it finished.</summary>
    public TimeSpan PhaseTimeout { get; init; }

    /// <summary>A small-object phase stops early after this many failed operations.</summary>
    public int MaxErrors { get; init; }

    /// <summary>Leave the objects (and a bucket this run created) in place instead of deleting them.</summary>
    public bool Keep { get; init; }

    public string? JsonPath { get; init; }
}
