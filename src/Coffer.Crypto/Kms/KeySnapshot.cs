namespace Coffer.Crypto.Kms;

/// <summary>A key and its versions' sealed material as read at one <see cref="Generation"/> of the store.</summary>
internal sealed record KeySnapshot(KmsKeyRow Row, IReadOnlyDictionary<int, byte[]> SealedMaterial, long Generation);
