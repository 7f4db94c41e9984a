namespace Coffer.Protocol.Query;

/// <summary>A Query-protocol (IAM, STS) error: AWS's code, HTTP status and message.</summary>
public sealed class QueryException(string code, int status, string message, bool senderFault = true) : Exception(message)
{
    public string Code { get; } = code;

    public int Status { get; } = status;

    /// <summary>"Sender" for the client's fault, "Receiver" for the server's.</summary>
    public string Type => senderFault ? "Sender" : "Receiver";

    public static QueryException Validation(string message) => new("ValidationError", 400, message);

    /// <summary>AWS's wording for a value that breaks a parameter's constraint.</summary>
    public static QueryException Constraint(string member, string? value, string constraint) =>
        Validation($"1 validation error detected: Value {(value is null ? "null" : $"'{value}'")} at '{member}' failed to satisfy constraint: Member {constraint}");

    public static QueryException InvalidInput(string message) => new("InvalidInput", 400, message);

    public static QueryException InternalFailure() =>
        new("ServiceFailure", 500, "An internal error occurred. Try again later.", senderFault: false);
}
