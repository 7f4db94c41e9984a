using Coffer.Identity;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.Json;

/// <summary>An authenticated JSON 1.1 call, before its operation is known to be allowed.</summary>
internal sealed record JsonCall(HttpContext Http, JsonRequest Request, Principal Principal)
{
    public CancellationToken Aborted => Http.RequestAborted;
}
