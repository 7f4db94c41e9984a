using Coffer.Storage.Objects;

namespace Coffer.Protocol.S3.Encryption;

/// <summary>What a read of one object needs to decrypt it; disposing clears the request's SSE-C key.</summary>
internal sealed class ReadEncryption(IContentOpener? opener, SseRequest? customerKey, string? customerKeyMd5) : IDisposable
{
    public IContentOpener? Opener => opener;

    public string? CustomerKeyMd5 => customerKeyMd5;

    public void Dispose() => customerKey?.Dispose();
}
