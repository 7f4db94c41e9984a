namespace Coffer.Crypto.Kms;

/// <summary>One page of a listing; <see cref="NextMarker"/> is null on the last page.</summary>
public sealed record KmsPage<T>(IReadOnlyList<T> Items, string? NextMarker)
{
    public bool Truncated => NextMarker is not null;
}
