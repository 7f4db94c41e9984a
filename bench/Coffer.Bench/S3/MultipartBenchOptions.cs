namespace Coffer.Bench.S3;

/// <summary>What the <c>multipart</c> command measures, and against which endpoint.</summary>
internal sealed record MultipartBenchOptions
{
    public required Uri Endpoint { get; init; }

    public required string AccessKey { get; init; }

    public required string SecretKey { get; init; }

    public string Region { get; init; } = "us-east-1";

    public string Bucket { get; init; } = "coffer-bench";

    /// <summary>Size of the object uploaded in parts, read back by ranges, and then written again by a single PUT.</summary>
    public required long Size { get; init; }

    /// <summary>Size of every part but the last, and of every ranged GET.</summary>
    public required long PartSize { get; init; }

    /// <summary>Parts uploaded, and ranges read, at the same time.</summary>
    public required int Parallel { get; init; }

    /// <summary>Upper bound on each phase; the whole upload (create, parts, complete) is one phase.</summary>
    public TimeSpan PhaseTimeout { get; init; }

    /// <summary>Leave the objects (and a bucket this run created) in place instead of deleting them.</summary>
    public bool Keep { get; init; }

    public string? JsonPath { get; init; }

    public int PartCount => (int)((Size + PartSize - 1) / PartSize);
}
