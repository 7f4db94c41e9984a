namespace Coffer.Crypto.Kms;

/// <summary>An alias as ListAliases shows it; a predefined AWS alias not yet used has no target and no dates.</summary>
public sealed record KmsAlias(string AliasName, string AliasArn, string? TargetKeyId, DateTimeOffset? CreationDate, DateTimeOffset? LastUpdatedDate);
