using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coffer.Crypto;
using Coffer.Identity.AccessKeys;

namespace Coffer.Identity.Sessions;

/// <summary>Why a session token was refused.</summary>
public enum SessionTokenError
{
    /// <summary>Missing, altered, or issued for another access key.</summary>
    Invalid,

    Expired,
}

public sealed class SessionTokenException(SessionTokenError error) : Exception(error == SessionTokenError.Expired ? "The session token has expired." : "The session token is invalid.")
{
    public SessionTokenError Error { get; } = error;
}

/// <summary>Temporary credentials as STS hands them out.</summary>
public sealed record TemporaryCredentials(string AccessKeyId, string SecretAccessKey, string SessionToken, DateTimeOffset Expiration, Principal Principal);

/// <summary>
/// STS session credentials. The token is self-contained: the session's secret and principal,
/// sealed under the master key and bound to its ASIA access key id, so any node can verify
/// it and nothing is stored per session. An altered token, or one presented with another
/// session's key, fails to open.
/// </summary>
public sealed class SessionTokens(MasterKey masterKey, TimeProvider time)
{
    public const string KeyPrefix = "ASIA";

    private const int MaxCached = 10_000;
    private const int MaxTokenChars = 16 * 1024;

    private readonly ConcurrentDictionary<string, Credential> _opened = new(StringComparer.Ordinal);

    public static bool IsSessionKey(string accessKeyId) => accessKeyId.StartsWith(KeyPrefix, StringComparison.Ordinal);

    /// <summary>Issues credentials for <paramref name="principal"/>, valid for <paramref name="duration"/>.</summary>
    public TemporaryCredentials Issue(Principal principal, TimeSpan duration)
    {
        var issued = time.GetUtcNow();
        var now = DateTimeOffset.FromUnixTimeSeconds(issued.ToUnixTimeSeconds());
        var expiration = now + duration;
        var accessKeyId = IdentityIds.New(KeyPrefix);
        var secret = IdentityIds.NewSecret();
        var session = principal with { IsTemporary = true, TokenIssueTime = now, Expiration = expiration };
        var claims = new SessionClaims
        {
            Secret = secret,
            AccountId = session.AccountId,
            Arn = session.Arn,
            Name = session.Name,
            Type = session.Type,
            UserId = session.UserId,
            UserName = session.UserName,
            RoleArn = session.RoleArn,
            RoleName = session.RoleName,
            Tags = session.Tags.Count == 0 ? null : new Dictionary<string, string>(session.Tags),
            SessionPolicy = session.SessionPolicy,
            Mfa = session.MultiFactorAuthenticated,
            IssuedAt = now.ToUnixTimeSeconds(),
            ExpiresAt = expiration.ToUnixTimeSeconds(),
        };
        var plaintext = JsonSerializer.SerializeToUtf8Bytes(claims, SessionClaimsContext.Default.SessionClaims);
        var token = Convert.ToBase64String(masterKey.Seal(plaintext, AssociatedData(accessKeyId)));
        return new TemporaryCredentials(accessKeyId, secret, token, expiration, session);
    }

    /// <summary>The credential a session key and its token stand for.</summary>
    /// <exception cref="SessionTokenException">The token is missing, altered, another key's, or expired.</exception>
    public Credential Open(string accessKeyId, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenChars)
        {
            throw new SessionTokenException(SessionTokenError.Invalid);
        }

        if (!_opened.TryGetValue(token, out var credential))
        {
            credential = Decode(accessKeyId, token);
            if (_opened.Count >= MaxCached)
            {
                _opened.Clear();
            }

            _opened[token] = credential;
        }

        // The token may be genuine yet presented with another session's key id.
        if (!string.Equals(credential.AccessKeyId, accessKeyId, StringComparison.Ordinal))
        {
            throw new SessionTokenException(SessionTokenError.Invalid);
        }

        if (time.GetUtcNow() >= credential.Principal.Expiration)
        {
            throw new SessionTokenException(SessionTokenError.Expired);
        }

        return credential;
    }

    private Credential Decode(string accessKeyId, string token)
    {
        SessionClaims? claims;
        try
        {
            var sealedBox = Convert.FromBase64String(token);
            var plaintext = masterKey.Open(sealedBox, AssociatedData(accessKeyId));
            claims = JsonSerializer.Deserialize(plaintext, SessionClaimsContext.Default.SessionClaims);
        }
        catch (Exception e) when (e is FormatException or CryptographicException or JsonException)
        {
            throw new SessionTokenException(SessionTokenError.Invalid);
        }

        if (claims is null)
        {
            throw new SessionTokenException(SessionTokenError.Invalid);
        }

        var principal = new Principal(claims.AccountId, claims.Arn, claims.Name, claims.Type == PrincipalType.Account)
        {
            Type = claims.Type,
            UserId = claims.UserId,
            UserName = claims.UserName,
            RoleArn = claims.RoleArn,
            RoleName = claims.RoleName,
            Tags = claims.Tags ?? new Dictionary<string, string>(),
            IsTemporary = true,
            TokenIssueTime = DateTimeOffset.FromUnixTimeSeconds(claims.IssuedAt),
            Expiration = DateTimeOffset.FromUnixTimeSeconds(claims.ExpiresAt),
            MultiFactorAuthenticated = claims.Mfa,
            SessionPolicy = claims.SessionPolicy,
        };
        return new Credential(accessKeyId, Encoding.UTF8.GetBytes(claims.Secret), principal, IsActive: true);
    }

    private static byte[] AssociatedData(string accessKeyId) => Encoding.UTF8.GetBytes("coffer-sts-session/" + accessKeyId);
}
