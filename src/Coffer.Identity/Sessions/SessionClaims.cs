using System.Text.Json.Serialization;

namespace Coffer.Identity.Sessions;

/// <summary>What a session token carries, sealed.</summary>
internal sealed class SessionClaims
{
    public required string Secret { get; init; }

    public required string AccountId { get; init; }

    public required string Arn { get; init; }

    public required string Name { get; init; }

    public PrincipalType Type { get; init; }

    public required string UserId { get; init; }

    public string? UserName { get; init; }

    public string? RoleArn { get; init; }

    public string? RoleName { get; init; }

    public Dictionary<string, string>? Tags { get; init; }

    public string? SessionPolicy { get; init; }

    public bool Mfa { get; init; }

    public long IssuedAt { get; init; }

    public long ExpiresAt { get; init; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionClaims))]
internal sealed partial class SessionClaimsContext : JsonSerializerContext;
