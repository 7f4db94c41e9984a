namespace Coffer.IntegrationTests;

/// <summary>The environment that gives the aws cli or boto3 one set of credentials, and nothing of this machine's own AWS set-up.</summary>
public static class AwsCliEnvironment
{
    public static Dictionary<string, string?> For(CliCredentials key, string workDirectory) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = key.Id,
        ["AWS_SECRET_ACCESS_KEY"] = key.Secret,
        ["AWS_SESSION_TOKEN"] = key.Token,
        ["AWS_PROFILE"] = null,
        ["AWS_REGION"] = null,
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_CONFIG_FILE"] = Path.Combine(workDirectory, "no-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(workDirectory, "no-credentials"),
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["AWS_PAGER"] = string.Empty,
        ["AWS_MAX_ATTEMPTS"] = "1",
        ["NO_PROXY"] = "127.0.0.1,localhost",
        ["no_proxy"] = "127.0.0.1,localhost",
        ["PYTHONDONTWRITEBYTECODE"] = "1",
    };
}
