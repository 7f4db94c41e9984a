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

    /// <summary>
    /// An unsigned form POST to "/": a Query-protocol call without credentials (S3 has no such
    /// operation), which the Query front-end answers with MissingAuthenticationToken.
    /// </summary>
    public static bool IsUnsignedQueryCall(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && request.Path.Value == "/"
        && request.Headers.Authorization.Count == 0
        && !request.Query.ContainsKey("X-Amz-Credential")
        && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;
}
