using Coffer.Bench.Measurement;

namespace Coffer.Bench.Reporting;

/// <summary>The JSON document one <c>multipart</c> run writes, and the <c>report</c> command reads (<c>--mp-result</c>).</summary>
internal sealed record MultipartReport
{
    public required string Endpoint { get; init; }

    public required string Bucket { get; init; }

    public required long Size { get; init; }

    public required long PartSize { get; init; }

    public required int Parallel { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required List<PhaseResult> Phases { get; init; }
}
