namespace Coffer.Cli.Client;

/// <summary>The server refused a request: the AWS error code (or the HTTP status when the body had none) and its message.</summary>
internal sealed class CofferApiException(string code, string message, int status) : Exception(message)
{
    public string Code { get; } = code;

    public int Status { get; } = status;

    /// <summary>What to do about it, when the command knows better than <see cref="ErrorHints"/>.</summary>
    public string? Hint { get; init; }
}
