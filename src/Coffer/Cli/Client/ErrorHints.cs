namespace Coffer.Cli.Client;

/// <summary>What to check when the server refuses with an AWS error code.</summary>
internal static class ErrorHints
{
    public static string? For(string code) => code switch
    {
        "InvalidAccessKeyId" or "InvalidClientTokenId" => "is the key deactivated or deleted?",
        "SignatureDoesNotMatch" => "check the secret key",
        "ExpiredToken" or "ExpiredTokenException" => "the temporary credentials have expired; assume the role again",
        "AccessDenied" or "AccessDeniedException" => "the credentials' policies do not allow this",
        "NoSuchEntity" => "check the name; `aws iam list-users` or `list-roles` shows what exists",
        "RequestTimeTooSkewed" => "this machine's clock is off; sync it",
        _ => null,
    };
}
