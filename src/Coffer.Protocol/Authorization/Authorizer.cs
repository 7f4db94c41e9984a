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
    private TimeKeys? _clock;

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
        if (question.Deferred is { } deferred)
        {
            await deferred.LoadIfMentionedAsync(question.Keys, [.. identity, .. session, question.ResourcePolicy], cancellationToken).ConfigureAwait(false);
        }

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

    /// <summary>
    /// The global condition keys (aws:*) every request carries, each worked out only if a policy
    /// asks for it. Callers add the keys of their service with <see cref="ContextKeys.Set(string, string)"/>.
    /// </summary>
    public ContextKeys GlobalKeys(HttpContext http, Principal? principal) =>
        new(key => GlobalKey(key, http, principal));

    private string[]? GlobalKey(string key, HttpContext http, Principal? principal)
    {
        if (!key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var name = key.AsSpan(4);
        if (name.Equals("CurrentTime", StringComparison.OrdinalIgnoreCase))
        {
            return [Clock().CurrentTime];
        }

        if (name.Equals("EpochTime", StringComparison.OrdinalIgnoreCase))
        {
            return [Clock().EpochTime];
        }

        if (name.Equals("SecureTransport", StringComparison.OrdinalIgnoreCase))
        {
            return [options.IsSecure(http) ? "true" : "false"];
        }

        if (name.Equals("SourceIp", StringComparison.OrdinalIgnoreCase))
        {
            return SourceIp(http) is { } ip ? [ip.ToString()] : null;
        }

        return principal is null ? null : PrincipalKey(name, principal);
    }

    private static string[]? PrincipalKey(ReadOnlySpan<char> name, Principal principal)
    {
        if (name.Equals("PrincipalArn", StringComparison.OrdinalIgnoreCase))
        {
            return [principal.Type == PrincipalType.AssumedRole && principal.RoleArn is { } role ? role : principal.Arn];
        }

        if (name.Equals("PrincipalAccount", StringComparison.OrdinalIgnoreCase))
        {
            return [principal.AccountId];
        }

        if (name.Equals("PrincipalType", StringComparison.OrdinalIgnoreCase))
        {
            return [principal.Type switch
            {
                PrincipalType.Account => "Account",
                PrincipalType.AssumedRole => "AssumedRole",
                _ => "User",
            }];
        }

        if (name.Equals("userid", StringComparison.OrdinalIgnoreCase))
        {
            return [principal.UserId];
        }

        if (name.Equals("username", StringComparison.OrdinalIgnoreCase))
        {
            return principal.UserName is { } userName ? [userName] : null;
        }

        const string tagPrefix = "PrincipalTag/";
        if (name.StartsWith(tagPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var tag = name[tagPrefix.Length..];
            foreach (var (tagKey, value) in principal.Tags)
            {
                // Tag keys compare without regard to case, as IAM's do.
                if (tag.Equals(tagKey, StringComparison.OrdinalIgnoreCase))
                {
                    return [value];
                }
            }

            return null;
        }

        // As AWS: these keys exist only for temporary credentials.
        if (!principal.IsTemporary)
        {
            return null;
        }

        if (name.Equals("MultiFactorAuthPresent", StringComparison.OrdinalIgnoreCase))
        {
            return [principal.MultiFactorAuthenticated ? "true" : "false"];
        }

        if (name.Equals("TokenIssueTime", StringComparison.OrdinalIgnoreCase) && principal.TokenIssueTime is { } issued)
        {
            return [issued.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)];
        }

        return null;
    }

    /// <summary>The time keys, formatted once per second rather than per request.</summary>
    private TimeKeys Clock()
    {
        var second = time.GetUtcNow().ToUnixTimeSeconds();
        var clock = _clock;
        if (clock is null || clock.Second != second)
        {
            var at = DateTimeOffset.FromUnixTimeSeconds(second).UtcDateTime;
            clock = new TimeKeys(second, at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), second.ToString(CultureInfo.InvariantCulture));
            _clock = clock;
        }

        return clock;
    }

    private sealed record TimeKeys(long Second, string CurrentTime, string EpochTime);

    private IPAddress? SourceIp(HttpContext http) => options.ClientAddress(http);
}

/// <summary>
/// What is asked of the <see cref="Authorizer"/>: the principal (null when anonymous), action, resource,
/// context and resource policy, and context keys to load only if a policy names them.
/// </summary>
public sealed record AuthorizationQuestion(Principal? Principal, string Action, string Resource, ContextKeys Keys, PolicySource? ResourcePolicy = null, DeferredKeys? Deferred = null);
