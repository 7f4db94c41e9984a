namespace Coffer.Cli.Client;

/// <summary>Step <see cref="Number"/> of an all-or-nothing command failed; the inner exception says why.</summary>
internal sealed class StepFailedException(int number, string description, Exception inner)
    : Exception($"step {number} ({description}) failed: {UndoableSteps.Describe(inner)}", inner)
{
    public int Number { get; } = number;

    public string Description { get; } = description;

    /// <summary>The AWS error code of the failure, or a word for what went wrong.</summary>
    public string Code => InnerException switch
    {
        CofferApiException api => api.Code,
        HttpRequestException => "ConnectionFailed",
        OperationCanceledException => "Cancelled",
        UsageException => "InvalidArgument",
        System.Xml.XmlException => "InvalidResponse",
        _ => "IOError",
    };
}
