using System.Globalization;
using System.Net;
using Coffer.Identity;
using Coffer.Policy;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.Authorization;

/// <summary>
/// Asks the policy engine whether a principal may perform an action, with the identity policies
/// that apply to it, the resource's policy and the session's policy. Every front-end authorises
/// through here before a handler runs.
/// </summary>
public sealed class Authorizer(IPrincipalPolicies policies, ProtocolOptions options, TimeProvider time)
{
    public async ValueTask<Decision> DecideAsync(AuthorizationQuestion question, CancellationToken cancellationToken) =>
        PolicyEvaluator.Decide(await RequestAsync(question, cancellationToken).ConfigureAwait(false));

    public async ValueTask<Evaluation> ExplainAsync(AuthorizationQuestion question, CancellationToken cancellationToken) =>
        PolicyEvaluator.Explain(await RequestAsync(question, cancellationToken).ConfigureAwait(false));

    private async ValueTask<AuthorizationRequest> RequestAsync(AuthorizationQuestion question, CancellationToken cancellationToken)
    {
        var principal = question.Principal;
        IReadOnlyList<PolicySource> identity = principal is null || principal.IsRoot
            ? []
            : await policies.ForAsync(principal, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<PolicySource> session = principal?.SessionPolicy is { } text
            ? [new PolicySource("session", PolicySourceType.Session, PolicyCache.Get(text, PolicyKind.Session))]
            : [];
        return new AuthorizationRequest
        {
            Context = new RequestContext
            {
                Action = question.Action,
                Resource = question.Resource,
                Caller = principal?.ToCaller(),
                Keys = question.Keys,
            },
            IdentityPolicies = identity,
            ResourcePolicy = question.ResourcePolicy,
            SessionPolicies = session,
        };
    }

    /// <summary>The global condition keys (aws:*) every request carries.</summary>
    public ContextKeys GlobalKeys(HttpContext http, Principal? principal)
    {
        var keys = new ContextKeys();
        var now = time.GetUtcNow();
        keys.Set("aws:CurrentTime", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        keys.Set("aws:EpochTime", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        keys.Set("aws:SecureTransport", IsSecure(http) ? "true" : "false");
        if (SourceIp(http) is { } ip)
        {
            keys.Set("aws:SourceIp", ip.ToString());
        }

        if (principal is null)
        {
            return keys;
        }

        keys.Set("aws:PrincipalArn", principal.Type == PrincipalType.AssumedRole && principal.RoleArn is { } role ? role : principal.Arn);
        keys.Set("aws:PrincipalAccount", principal.AccountId);
        keys.Set("aws:PrincipalType", principal.Type.ToString());
        keys.Set("aws:userid", principal.UserId);
        if (principal.UserName is { } userName)
        {
            keys.Set("aws:username", userName);
        }

        foreach (var (tag, value) in principal.Tags)
        {
            keys.Set("aws:PrincipalTag/" + tag, value);
        }

        // As AWS: these keys exist only for temporary credentials.
        if (principal.IsTemporary)
        {
            keys.Set("aws:MultiFactorAuthPresent", principal.MultiFactorAuthenticated ? "true" : "false");
            if (principal.TokenIssueTime is { } issued)
            {
                keys.Set("aws:TokenIssueTime", issued.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }
        }

        return keys;
    }

    private bool FromTrustedProxy(HttpContext http) =>
        options.TrustedProxies.Count > 0
        && http.Connection.RemoteIpAddress is { } remote
        && options.TrustedProxies.Any(p => p.Equals(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote));

    private bool IsSecure(HttpContext http) =>
        http.Request.IsHttps
        || (FromTrustedProxy(http) && http.Request.Headers["X-Forwarded-Proto"].ToString().Equals("https", StringComparison.OrdinalIgnoreCase));

    /// <summary>The client's address: a trusted proxy's X-Forwarded-For (its last hop), else the peer.</summary>
    private IPAddress? SourceIp(HttpContext http)
    {
        var remote = http.Connection.RemoteIpAddress;
        if (FromTrustedProxy(http) && http.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var last = forwarded.Split(',')[^1].Trim();
            if (IPAddress.TryParse(last, out var parsed))
            {
                remote = parsed;
            }
        }

        return remote is { IsIPv4MappedToIPv6: true } ? remote.MapToIPv4() : remote;
    }
}

/// <summary>What is asked of the <see cref="Authorizer"/>: the principal (null when anonymous), action, resource, context and resource policy.</summary>
public sealed record AuthorizationQuestion(Principal? Principal, string Action, string Resource, ContextKeys Keys, PolicySource? ResourcePolicy = null);
