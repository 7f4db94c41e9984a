using Coffer.Crypto;
using Coffer.Crypto.Segments;

namespace Coffer.Protocol.S3.Encryption;

/// <summary>One write's sealer and record; disposing clears its data key once the write is done.</summary>
internal sealed class SealingWrite(DataKey key, SegmentSealer sealer, ObjectEncryption record) : IDisposable
{
    public SegmentSealer Sealer => sealer;

    public ObjectEncryption Record => record;

    public void Dispose() => key.Dispose();
}
