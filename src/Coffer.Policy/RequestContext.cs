namespace Coffer.Policy;

/// <summary>One authorisation question: may <see cref="Caller"/> perform <see cref="Action"/> on <see cref="Resource"/>?</summary>
public sealed class RequestContext
{
    /// <summary>Service-prefixed action, e.g. s3:GetObject.</summary>
    public required string Action { get; init; }

    /// <summary>The resource ARN, e.g. arn:aws:s3:::bucket/key; "*" for actions that take none.</summary>
    public required string Resource { get; init; }

    /// <summary>Null for an anonymous request.</summary>
    public CallerIdentity? Caller { get; init; }

    public ContextKeys Keys { get; init; } = new();
}
