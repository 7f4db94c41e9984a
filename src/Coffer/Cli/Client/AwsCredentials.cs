namespace Coffer.Cli.Client;

/// <summary>An access key, its secret and, for temporary credentials, the session token.</summary>
internal sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken)
{
    /// <summary>Keeps the secret and the token out of anything that prints the record.</summary>
    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId} }}";

    /// <summary>
    /// From the usual AWS places: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
    /// else the profile (<paramref name="profile"/>, AWS_PROFILE, "default") of the shared
    /// credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials).
    /// </summary>
    public static AwsCredentials Resolve(string? profile, Func<string, string?> environment)
    {
        var accessKey = environment("AWS_ACCESS_KEY_ID");
        var secretKey = environment("AWS_SECRET_ACCESS_KEY");
        if (profile is null && !string.IsNullOrEmpty(accessKey) && !string.IsNullOrEmpty(secretKey))
        {
            return new AwsCredentials(accessKey, secretKey, NullIfEmpty(environment("AWS_SESSION_TOKEN")));
        }

        profile ??= NullIfEmpty(environment("AWS_PROFILE")) ?? "default";
        var path = NullIfEmpty(environment("AWS_SHARED_CREDENTIALS_FILE"))
            ?? Path.Combine(NullIfEmpty(environment("HOME")) ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".aws", "credentials");
        if (!File.Exists(path))
        {
            throw new CofferApiException("NoCredentials", $"no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with {path}", 0);
        }

        var section = ReadProfile(File.ReadAllLines(path), profile);
        if (section is null
            || !section.TryGetValue("aws_access_key_id", out var id)
            || !section.TryGetValue("aws_secret_access_key", out var secret))
        {
            throw new CofferApiException("NoCredentials", $"no credentials: profile [{profile}] in {path} has no aws_access_key_id and aws_secret_access_key", 0);
        }

        return new AwsCredentials(id, secret, section.GetValueOrDefault("aws_session_token"));
    }

    /// <summary>The keys of section [<paramref name="profile"/>] of an INI file; null when there is no such section.</summary>
    internal static Dictionary<string, string>? ReadProfile(IEnumerable<string> lines, string profile)
    {
        Dictionary<string, string>? result = null;
        var inSection = false;
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';')
            {
                continue;
            }

            if (line[0] == '[' && line[^1] == ']')
            {
                inSection = line[1..^1].Trim() == profile;
                if (inSection)
                {
                    result ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                }

                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (inSection && eq > 0)
            {
                result![line[..eq].Trim()] = line[(eq + 1)..].Trim();
            }
        }

        return result;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
