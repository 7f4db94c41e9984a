using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coffer.Identity;
using Coffer.Identity.Iam;
using Coffer.Identity.Sessions;
using Coffer.Policy;
using Coffer.Protocol.Audit;
using Coffer.Protocol.Authorization;
using Coffer.Protocol.Query;
using Coffer.Protocol.Xml;
using Microsoft.AspNetCore.Http;

namespace Coffer.Protocol.Sts;

/// <summary>AssumeRole, GetSessionToken and GetCallerIdentity.</summary>
internal sealed partial class StsHandlers(IamStore store, SessionTokens tokens, Authorizer authorizer, ProtocolOptions options)
{
    /// <summary>A role session reached through another role session lasts at most an hour (AWS's role chaining rule).</summary>
    private const int ChainedMaxSeconds = 3600;
    private const int MaxSessionPolicyChars = 2048;
    private const int MaxSessionTags = 50;

    public Task<Action<XmlBuilder>?> DispatchAsync(StsOperation operation, HttpContext http, QueryRequest request, Principal caller) => operation switch
    {
        StsOperation.AssumeRole => AssumeRoleAsync(http, request, caller),
        StsOperation.GetSessionToken => Task.FromResult<Action<XmlBuilder>?>(GetSessionToken(http, request, caller)),
        StsOperation.GetCallerIdentity => Task.FromResult<Action<XmlBuilder>?>(GetCallerIdentity(caller)),
        _ => throw new QueryException("InvalidAction", 400, $"Could not find operation {operation}"),
    };

    private async Task<Action<XmlBuilder>?> AssumeRoleAsync(HttpContext http, QueryRequest request, Principal caller)
    {
        var roleArn = request.Required("RoleArn");
        Constrain("roleArn", roleArn, 20, 2048, null);
        var sessionName = request.Required("RoleSessionName");
        Constrain("roleSessionName", sessionName, 2, 64, SessionNamePattern());
        var externalId = request.Get("ExternalId");
        if (externalId is not null)
        {
            Constrain("externalId", externalId, 2, 1224, ExternalIdPattern());
        }

        var duration = request.Int("DurationSeconds", options.StsMinimumDurationSeconds, 43200) ?? 3600;
        var sessionPolicy = request.Get("Policy");
        if (sessionPolicy is not null)
        {
            ValidateSessionPolicy(sessionPolicy);
        }

        var sessionTags = request.Tags();
        ValidateSessionTags(sessionTags);

        if (caller.IsRoot)
        {
            throw new QueryException("AccessDenied", 403, "Roles may not be assumed by root accounts.");
        }

        var role = roleArn.StartsWith("arn:aws:iam::" + caller.AccountId + ":role/", StringComparison.Ordinal)
            ? await store.FindRoleAsync(roleArn, http.RequestAborted).ConfigureAwait(false)
            : null;

        var keys = authorizer.GlobalKeys(http, caller);
        keys.Set("sts:RoleSessionName", sessionName);
        if (externalId is not null)
        {
            keys.Set("sts:ExternalId", externalId);
        }

        if (sessionTags.Count > 0)
        {
            foreach (var (key, value) in sessionTags)
            {
                keys.Set("aws:RequestTag/" + key, value);
            }

            keys.Set("aws:TagKeys", sessionTags.Select(t => t.Key).ToArray());
        }

        // A missing role is indistinguishable from one the caller may not assume.
        if (role is null
            || !await MayAsync(caller, "sts:AssumeRole", role, keys, http.RequestAborted).ConfigureAwait(false)
            || (sessionTags.Count > 0 && !await MayAsync(caller, "sts:TagSession", role, keys, http.RequestAborted).ConfigureAwait(false)))
        {
            throw new QueryException("AccessDenied", 403, $"User: {caller.Arn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}");
        }

        if (caller.Type == PrincipalType.AssumedRole && duration > ChainedMaxSeconds)
        {
            throw QueryException.Validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }

        if (duration > role.MaxSessionDuration)
        {
            throw QueryException.Validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }

        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in role.Tags)
        {
            tags[key] = value;
        }

        // Session tags override the role's tags of the same key.
        foreach (var (key, value) in sessionTags)
        {
            tags[key] = value;
        }

        var session = new Principal(caller.AccountId, $"arn:aws:sts::{caller.AccountId}:assumed-role/{role.Name}/{sessionName}", sessionName, IsRoot: false)
        {
            Type = PrincipalType.AssumedRole,
            UserId = role.Id + ":" + sessionName,
            RoleArn = role.Arn,
            RoleName = role.Name,
            Tags = tags,
            SessionPolicy = sessionPolicy,
            MultiFactorAuthenticated = caller.MultiFactorAuthenticated,
        };
        var credentials = tokens.Issue(session, TimeSpan.FromSeconds(duration));
        if (RequestAudit.Of(http) is { } audit)
        {
            var elements = AuditCredentials(credentials);
            elements["assumedRoleUser"] = new JsonObject { ["assumedRoleId"] = session.UserId, ["arn"] = session.Arn };
            audit.ResponseElements = elements;
        }

        var packed = sessionPolicy is null && sessionTags.Count == 0 ? (int?)null : PackedPolicyPercent(sessionPolicy, sessionTags);
        return xml =>
        {
            WriteCredentials(xml, credentials);
            xml.Start("AssumedRoleUser")
                .Element("AssumedRoleId", session.UserId)
                .Element("Arn", session.Arn)
                .End("AssumedRoleUser");
            if (packed is { } percent)
            {
                xml.Element("PackedPolicySize", percent.ToString(CultureInfo.InvariantCulture));
            }
        };
    }

    /// <summary>
    /// Both must agree: the role's trust policy admits the caller, and the caller's own policies
    /// (and session policy) allow the action on the role; an explicit deny in either refuses.
    /// </summary>
    private async Task<bool> MayAsync(Principal caller, string action, IamRole role, ContextKeys keys, CancellationToken cancellationToken)
    {
        PolicySource trust;
        try
        {
            trust = new PolicySource(role.Arn, PolicySourceType.Role, PolicyCache.Get(role.TrustPolicy, PolicyKind.Trust));
        }
        catch (MalformedPolicyException)
        {
            return false;
        }

        var context = new RequestContext { Action = action, Resource = role.Arn, Caller = caller.ToCaller(), Keys = keys };
        return TrustPolicies.Admits(trust, context)
            && await authorizer.DecideAsync(new AuthorizationQuestion(caller, action, role.Arn, keys), cancellationToken).ConfigureAwait(false) == Decision.Allow;
    }

    /// <summary>responseElements of a call that issues credentials: the key id and expiry, never the secret or the token.</summary>
    private static JsonObject AuditCredentials(TemporaryCredentials credentials) => new()
    {
        ["credentials"] = new JsonObject
        {
            ["accessKeyId"] = credentials.AccessKeyId,
            ["expiration"] = credentials.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        },
    };

    private Action<XmlBuilder> GetSessionToken(HttpContext http, QueryRequest request, Principal caller)
    {
        if (caller.IsTemporary)
        {
            throw new QueryException("AccessDenied", 403, "Cannot call GetSessionToken with session credentials");
        }

        // Root sessions last at most an hour; users' up to 36 hours (AWS's limits).
        var max = caller.IsRoot ? 3600 : 129600;
        var duration = request.Int("DurationSeconds", options.StsMinimumDurationSeconds, max) ?? (caller.IsRoot ? 3600 : 43200);
        if (request.Get("SerialNumber") is not null || request.Get("TokenCode") is not null)
        {
            // No MFA devices can be registered, so no code can be valid.
            throw new QueryException("AccessDenied", 403, "MultiFactorAuthentication failed, unable to validate MFA code.");
        }

        var credentials = tokens.Issue(caller, TimeSpan.FromSeconds(duration));
        RequestAudit.Of(http)?.ResponseElements = AuditCredentials(credentials);
        return xml => WriteCredentials(xml, credentials);
    }

    private static Action<XmlBuilder> GetCallerIdentity(Principal caller) => xml => xml
        .Element("UserId", caller.UserId)
        .Element("Account", caller.AccountId)
        .Element("Arn", caller.Arn);

    private static void WriteCredentials(XmlBuilder xml, TemporaryCredentials credentials) =>
        xml.Start("Credentials")
            .Element("AccessKeyId", credentials.AccessKeyId)
            .Element("SecretAccessKey", credentials.SecretAccessKey)
            .Element("SessionToken", credentials.SessionToken)
            .Element("Expiration", credentials.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .End("Credentials");

    private static void ValidateSessionPolicy(string policy)
    {
        if (policy.Length > MaxSessionPolicyChars)
        {
            throw new QueryException("PackedPolicyTooLarge", 400, $"Packed policy consumes {PackedPolicyPercent(policy, [])}% of allotted space, please use smaller policy for this session.");
        }

        try
        {
            PolicyCache.Get(policy, PolicyKind.Session);
        }
        catch (MalformedPolicyException e)
        {
            throw new QueryException("MalformedPolicyDocument", 400, e.Message);
        }
    }

    private static void ValidateSessionTags(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        if (tags.Count > MaxSessionTags)
        {
            throw QueryException.Constraint("tags", null, $"must have length less than or equal to {MaxSessionTags}");
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in tags)
        {
            Constrain("tags.member.key", key, 1, 128, TagPattern());
            Constrain("tags.member.value", value, 0, 256, TagPattern());
            if (!seen.Add(key))
            {
                throw QueryException.InvalidInput($"Duplicate tag keys found. Please note that Tag keys are case insensitive.");
            }
        }
    }

    /// <summary>How much of the packed session-policy budget the policy and tags use, in percent, as STS reports it.</summary>
    private static int PackedPolicyPercent(string? policy, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var size = (policy is null ? 0 : PolicyLimits.CountNonWhitespace(policy)) + tags.Sum(t => t.Key.Length + t.Value.Length);
        return (int)Math.Ceiling(size * 100.0 / MaxSessionPolicyChars);
    }

    private static void Constrain(string member, string value, int min, int max, Regex? pattern)
    {
        if (value.Length < min)
        {
            throw QueryException.Constraint(member, value, $"must have length greater than or equal to {min}");
        }

        if (value.Length > max)
        {
            throw QueryException.Constraint(member, value, $"must have length less than or equal to {max}");
        }

        if (pattern is not null && !pattern.IsMatch(value))
        {
            throw QueryException.Constraint(member, value, $"must satisfy regular expression pattern: {pattern}");
        }
    }

    [GeneratedRegex(@"^[\w+=,.@-]*$")]
    private static partial Regex SessionNamePattern();

    [GeneratedRegex(@"^[\w+=,.@:\/-]*$")]
    private static partial Regex ExternalIdPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    private static partial Regex TagPattern();
}
