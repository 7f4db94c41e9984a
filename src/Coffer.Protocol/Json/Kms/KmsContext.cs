using Coffer.Identity;
using Coffer.Policy;

namespace Coffer.Protocol.Json.Kms;

/// <summary>One authenticated KMS request, as its handler sees it.</summary>
internal sealed class KmsContext
{
    public required JsonCall Call { get; init; }

    public required KmsOperation Operation { get; init; }

    /// <summary>The request's condition keys: the global aws:* ones and the kms:* ones the handler adds.</summary>
    public required ContextKeys Keys { get; init; }

    public JsonRequest Request => Call.Request;

    public Principal Principal => Call.Principal;

    public string Action => "kms:" + Operation;

    public CancellationToken Aborted => Call.Aborted;
}
