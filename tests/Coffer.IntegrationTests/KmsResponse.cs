using System.Text.Json;

namespace Coffer.IntegrationTests;

/// <summary>A KMS answer: the status, request id, content type and JSON body.</summary>
public sealed record KmsResponse(int Status, string? RequestId, string? ContentType, JsonElement Body)
{
    /// <summary>The error's __type, or null on success.</summary>
    public string? ErrorType => Body.TryGetProperty("__type", out var type) ? type.GetString() : null;

    public string Message => Body.TryGetProperty("message", out var message) ? message.GetString() ?? string.Empty : string.Empty;
}
