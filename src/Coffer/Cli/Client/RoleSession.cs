using System.Globalization;
using System.Xml.Linq;

namespace Coffer.Cli.Client;

/// <summary>Temporary credentials from STS AssumeRole, and when they expire.</summary>
internal sealed record RoleSession(string RoleArn, AwsCredentials Credentials, DateTimeOffset Expiration)
{
    /// <summary>Assumes <paramref name="role"/>: an ARN, or a role name of the caller's account.</summary>
    public static async Task<RoleSession> AssumeAsync(CofferClient client, string role, TimeSpan? duration, string? sessionName, CancellationToken cancellationToken)
    {
        var roleArn = role.StartsWith("arn:", StringComparison.Ordinal) ? role : await ArnAsync(client, role, cancellationToken).ConfigureAwait(false);
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("RoleArn", roleArn),
            new("RoleSessionName", sessionName ?? "coffer-cli-" + client.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        if (duration is { } d)
        {
            parameters.Add(new("DurationSeconds", ((long)d.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
        }

        var result = await client.QueryAsync("sts", "AssumeRole", parameters, cancellationToken).ConfigureAwait(false);
        var credentials = XmlElements.Child(result, "Credentials");
        var id = XmlElements.Child(credentials, "AccessKeyId")?.Value;
        var secret = XmlElements.Child(credentials, "SecretAccessKey")?.Value;
        var token = XmlElements.Child(credentials, "SessionToken")?.Value;
        var expiration = XmlElements.Child(credentials, "Expiration")?.Value;
        if (id is null || secret is null || token is null
            || !DateTimeOffset.TryParse(expiration, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var expires))
        {
            throw new CofferApiException("InvalidResponse", "AssumeRole answered without complete credentials", 200);
        }

        return new RoleSession(roleArn, new AwsCredentials(id, secret, token), expires);
    }

    /// <summary>
    /// A role's ARN includes its path (the role templates live under /coffer/), which only IAM
    /// knows: a bare name is looked up, and callers who may not read the role get the ARN of a
    /// role at the root path. "PATH/NAME" is taken as written.
    /// </summary>
    private static async Task<string> ArnAsync(CofferClient client, string role, CancellationToken cancellationToken)
    {
        if (!role.Contains('/', StringComparison.Ordinal))
        {
            try
            {
                var result = await client.QueryAsync("iam", "GetRole", [new("RoleName", role)], cancellationToken).ConfigureAwait(false);
                return result.Child("Role").Required("Arn");
            }
            catch (CofferApiException e) when (e.Code == "AccessDenied")
            {
            }
        }

        var account = await client.AccountIdAsync(cancellationToken).ConfigureAwait(false);
        return $"arn:aws:iam::{account}:role/{role}";
    }
}
