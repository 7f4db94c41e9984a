namespace Coffer.Protocol.Json;

/// <summary>
/// An error of an AWS JSON 1.1 API (KMS): the <c>__type</c>, a message (AWS omits it for a few
/// errors), and the HTTP status, 400 for everything the client caused.
/// </summary>
public sealed class JsonProtocolException(string type, string? message, int status = 400) : Exception(message ?? type)
{
    public string Type { get; } = type;

    public string? ErrorMessage { get; } = message;

    public int Status { get; } = status;

    /// <summary>The body is not JSON, too deep, or a member has the wrong JSON type.</summary>
    public static JsonProtocolException Serialization(string? message = null) => new("SerializationException", message);

    /// <summary>AWS's wording for a member that breaks its constraint.</summary>
    public static JsonProtocolException Constraint(string member, string? value, string constraint) =>
        new("ValidationException", $"1 validation error detected: Value {(value is null ? "null" : $"'{value}'")} at '{member}' failed to satisfy constraint: Member {constraint}");
}
