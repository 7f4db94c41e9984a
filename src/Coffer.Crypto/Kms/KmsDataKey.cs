namespace Coffer.Crypto.Kms;

/// <summary>A data key in the clear and wrapped, and the ARN of the KMS key that wrapped it. Dispose it to clear the key.</summary>
public sealed class KmsDataKey(DataKey key, byte[] wrappedKey, string keyArn) : IDisposable
{
    public DataKey Key { get; } = key;

    /// <summary>The data key under the KMS key (see <see cref="KmsCiphertext"/>): store it beside the data it encrypts.</summary>
    public byte[] WrappedKey { get; } = wrappedKey;

    public string KeyArn { get; } = keyArn;

    public void Dispose() => Key.Dispose();
}
