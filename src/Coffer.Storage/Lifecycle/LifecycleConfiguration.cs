using System.Text.Json;

namespace Coffer.Storage.Lifecycle;

/// <summary>
/// A bucket's lifecycle configuration (PutBucketLifecycleConfiguration), as stored in the bucket's
/// "lifecycle" configuration row: validated rules in the order given.
/// </summary>
public sealed record LifecycleConfiguration
{
    public const string ConfigName = "lifecycle";

    /// <summary>x-amz-transition-default-minimum-object-size when the client sends none.</summary>
    public const string DefaultMinimumObjectSize = "all_storage_classes_128K";

    public IReadOnlyList<LifecycleRule> Rules { get; init; } = [];

    /// <summary>x-amz-transition-default-minimum-object-size, echoed on Put and Get.</summary>
    public string TransitionDefaultMinimumObjectSize { get; init; } = DefaultMinimumObjectSize;

    public string ToJson() => JsonSerializer.Serialize(this, LifecycleJsonContext.Default.LifecycleConfiguration);

    public static LifecycleConfiguration FromJson(string json) =>
        JsonSerializer.Deserialize(json, LifecycleJsonContext.Default.LifecycleConfiguration)
        ?? throw new InvalidOperationException("A stored lifecycle configuration is empty.");
}
