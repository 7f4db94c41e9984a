using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3.Encryption;

/// <summary>What a read of one object needs to decrypt it; disposing clears the request's SSE-C key.</summary>
internal sealed class ReadEncryption(IContentOpener? opener, ObjectEncryption? record, SseRequest? customerKey) : IDisposable
{
    public IContentOpener? Opener => opener;

    /// <summary>The object's record, parsed once for the opener and the response headers; null for content stored before encryption.</summary>
    public ObjectEncryption? Record => record;

    public string? CustomerKeyMd5 => customerKey?.CustomerKeyMd5;

    public void Dispose() => customerKey?.Dispose();
}
