using Coffer.Crypto;
using Coffer.Identity;
using Coffer.Identity.Sessions;

namespace Coffer.Protocol.Tests.Auth;

public sealed class SessionTokensTests : IDisposable
{
    private readonly MasterKey _key = MasterKey.FromBase64(Convert.ToBase64String(new byte[32]));
    private readonly ManualClock _clock = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    private static Principal Session => new("123456789012", "arn:aws:sts::123456789012:assumed-role/viewer/report", "report", IsRoot: false)
    {
        Type = PrincipalType.AssumedRole,
        UserId = "AROAEXAMPLE000000001:report",
        RoleArn = "arn:aws:iam::123456789012:role/viewer",
        RoleName = "viewer",
        Tags = new Dictionary<string, string> { ["team"] = "red" },
        SessionPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""",
    };

    [Fact]
    public void Issue_ThenOpen_GivesBackTheSecretAndEveryFactOfTheSession()
    {
        var tokens = new SessionTokens(_key, _clock);
        var issued = tokens.Issue(Session, TimeSpan.FromMinutes(15));

        var credential = tokens.Open(issued.AccessKeyId, issued.SessionToken);

        Assert.StartsWith("ASIA", issued.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal(20, issued.AccessKeyId.Length);
        Assert.Equal(issued.SecretAccessKey, System.Text.Encoding.UTF8.GetString(credential.Secret));
        var principal = credential.Principal;
        Assert.Equal(Session.Arn, principal.Arn);
        Assert.Equal(PrincipalType.AssumedRole, principal.Type);
        Assert.Equal("AROAEXAMPLE000000001:report", principal.UserId);
        Assert.Equal("viewer", principal.RoleName);
        Assert.Equal("red", principal.Tags["team"]);
        Assert.Equal(Session.SessionPolicy, principal.SessionPolicy);
        Assert.True(principal.IsTemporary);
        Assert.Equal(_clock.GetUtcNow(), principal.TokenIssueTime);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(15), principal.Expiration);
        Assert.Equal(principal.Expiration, issued.Expiration);
    }

    [Fact]
    public void Open_AfterExpiry_FailsAsExpired()
    {
        var tokens = new SessionTokens(_key, _clock);
        var issued = tokens.Issue(Session, TimeSpan.FromMinutes(15));
        tokens.Open(issued.AccessKeyId, issued.SessionToken);

        _clock.Advance(TimeSpan.FromMinutes(15));

        var error = Assert.Throws<SessionTokenException>(() => tokens.Open(issued.AccessKeyId, issued.SessionToken));
        Assert.Equal(SessionTokenError.Expired, error.Error);
    }

    [Fact]
    public void Open_WithAnotherSessionsKey_FailsAsInvalid()
    {
        var tokens = new SessionTokens(_key, _clock);
        var first = tokens.Issue(Session, TimeSpan.FromMinutes(15));
        var second = tokens.Issue(Session, TimeSpan.FromMinutes(15));

        Assert.Equal(SessionTokenError.Invalid, Assert.Throws<SessionTokenException>(() => tokens.Open(first.AccessKeyId, second.SessionToken)).Error);

        // Also once the token has been opened (and cached) for its own key.
        tokens.Open(second.AccessKeyId, second.SessionToken);
        Assert.Equal(SessionTokenError.Invalid, Assert.Throws<SessionTokenException>(() => tokens.Open(first.AccessKeyId, second.SessionToken)).Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(-1)]
    public void Open_AnAlteredToken_FailsAsInvalid(int position)
    {
        var tokens = new SessionTokens(_key, _clock);
        var issued = tokens.Issue(Session, TimeSpan.FromMinutes(15));
        var bytes = Convert.FromBase64String(issued.SessionToken);
        bytes[position < 0 ? bytes.Length - 1 : position] ^= 0x01;

        var error = Assert.Throws<SessionTokenException>(() => tokens.Open(issued.AccessKeyId, Convert.ToBase64String(bytes)));

        Assert.Equal(SessionTokenError.Invalid, error.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 !")]
    [InlineData("AAAA")]
    public void Open_Garbage_FailsAsInvalid(string token)
    {
        var tokens = new SessionTokens(_key, _clock);

        Assert.Equal(SessionTokenError.Invalid, Assert.Throws<SessionTokenException>(() => tokens.Open("ASIAEXAMPLE000000001", token)).Error);
    }

    [Fact]
    public void Open_ATokenSealedUnderAnotherMasterKey_FailsAsInvalid()
    {
        using var otherKey = MasterKey.FromBase64(Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()));
        var issued = new SessionTokens(otherKey, _clock).Issue(Session, TimeSpan.FromMinutes(15));

        var error = Assert.Throws<SessionTokenException>(() => new SessionTokens(_key, _clock).Open(issued.AccessKeyId, issued.SessionToken));

        Assert.Equal(SessionTokenError.Invalid, error.Error);
    }

    public void Dispose() => _key.Dispose();
}
