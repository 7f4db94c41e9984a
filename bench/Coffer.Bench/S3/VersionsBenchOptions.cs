namespace Coffer.Bench.S3;

/// <summary>What the <c>versions</c> command measures, and against which endpoint.</summary>
internal sealed record VersionsBenchOptions
{
    public required Uri Endpoint { get; init; }

    public required string AccessKey { get; init; }

    public required string SecretKey { get; init; }

    public string Region { get; init; } = "us-east-1";

    /// <summary>A bucket with versioning enabled; the command neither makes nor changes it.</summary>
    public required string Bucket { get; init; }

    public required string Key { get; init; }

    /// <summary>Versions of <see cref="Key"/> written before listing; 0 lists what is there.</summary>
    public required int Versions { get; init; }

    public required long Size { get; init; }

    public required int Concurrency { get; init; }

    public required int MaxKeys { get; init; }

    /// <summary>Whole listings timed (every page of each); as many first pages are timed too, ten times over.</summary>
    public required int Rounds { get; init; }
}
