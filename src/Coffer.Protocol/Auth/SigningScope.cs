using Coffer.Protocol.Http;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.Auth;

/// <summary>Lets the front door route a request to its API by the service its signature names.</summary>
public static class SigningScope
{
    /// <summary>"s3", "iam", "sts", … from the SigV4 credential scope; null when the request is unsigned, SigV2 or unreadable.</summary>
    public static string? Service(HttpRequest request)
    {
        QueryParameters query;
        try
        {
            query = QueryParameters.Parse(request.QueryString.HasValue ? request.QueryString.Value : []);
        }
        catch (FormatException)
        {
            return null;
        }

        return SigV4Authenticator.ScopeService(request, query);
    }
}
