using Coffer.Bench.Measurement;

namespace Coffer.Bench.Reporting;

/// <summary>The JSON document one <c>s3</c> run writes, and the <c>report</c> command reads.</summary>
internal sealed record BenchReport
{
    public required string Endpoint { get; init; }

    public required string Bucket { get; init; }

    public required long LargeSize { get; init; }

    public required long SmallSize { get; init; }

    public required int SmallOperations { get; init; }

    public required int Concurrency { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required List<PhaseResult> Phases { get; init; }
}
