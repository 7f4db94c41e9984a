using Coffer.Identity;
using Coffer.Protocol.Query;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.Iam;

/// <summary>One authenticated IAM request, as its handler sees it.</summary>
internal sealed class IamContext
{
    public required HttpContext Http { get; init; }

    public required QueryRequest Request { get; init; }

    public required IamOperation Operation { get; init; }

    public required Principal Principal { get; init; }

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>UserName, or for operations that default to the caller, the calling user's name.</summary>
    public string UserNameOrCaller() =>
        Request.Get("UserName") is { } name
            ? IamValidation.UserName(name)
            : Principal.Type == PrincipalType.User && Principal.UserName is { } own
                ? own
                : throw QueryException.Validation("Must specify userName when calling with non-User credentials");
}
