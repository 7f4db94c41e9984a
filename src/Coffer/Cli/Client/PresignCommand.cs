using System.Text.Json;

namespace Coffer.Cli.Client;

/// <summary><c>coffer presign</c>: a SigV4 pre-signed GET or PUT URL, optionally made with a role's temporary credentials.</summary>
internal static class PresignCommand
{
    public const string Usage = """
        usage: coffer presign get|put s3://BUCKET/KEY [--role ROLE] [--expires 15m] [--json]

        Prints a pre-signed URL that anyone holding it can use with plain HTTP (curl) until it
        expires (--expires, default 15m, at most 7d). With --role the role is assumed first and
        the URL is signed with its temporary credentials, so it can do only what the role may; the
        URL never outlives those credentials (a longer --expires is shortened, and stderr says so).

        examples:
          curl -T report.pdf "$(coffer presign put s3://photos/incoming/report.pdf --role Uploader)"
          curl -o cat.jpg "$(coffer presign get s3://photos/alice/cat.jpg --role Viewer --expires 1h)"
        """;

    private static readonly TimeSpan MaxExpiry = TimeSpan.FromDays(7);
    private static readonly TimeSpan MinRoleDuration = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan DefaultRoleDuration = TimeSpan.FromHours(1);
    private static readonly TimeSpan NoticeableShortfall = TimeSpan.FromSeconds(5);
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--role", "--expires"], [], PresignAsync);

    private static async Task<int> PresignAsync(CommandLine line, CofferClient client, CancellationToken cancellationToken)
    {
        if (line.Positionals.Count != 2)
        {
            throw new UsageException("expected get|put and s3://BUCKET/KEY");
        }

        var method = line.Positionals[0] switch
        {
            "get" => "GET",
            "put" => "PUT",
            var other => throw new UsageException($"{other}: expected get or put"),
        };
        var (bucket, key) = ClientCommand.ParseS3Url(line.Positionals[1]);
        var expires = line.Get("--expires") is { } text ? Durations.Parse(text, "--expires") : TimeSpan.FromMinutes(15);
        if (expires > MaxExpiry)
        {
            throw new UsageException($"--expires {Durations.Format(expires)}: a pre-signed URL lives at most 7d");
        }

        var signing = client.Credentials;
        DateTimeOffset? credentialsExpire = null;
        if (line.Get("--role") is { } role)
        {
            var session = await AssumeForAsync(client, role, expires, cancellationToken).ConfigureAwait(false);
            signing = session.Credentials;
            credentialsExpire = session.Expiration;
            var left = TimeSpan.FromSeconds(Math.Floor((session.Expiration - client.Time.GetUtcNow()).TotalSeconds));
            if (left < expires - NoticeableShortfall)
            {
                await Console.Error.WriteLineAsync(
                    $"note: the URL expires in {Durations.Format(left)} rather than {Durations.Format(expires)}: it cannot outlive {role}'s credentials, which expire at {Timestamps.Iso(session.Expiration)}")
                    .ConfigureAwait(false);
            }

            // Seconds lost to the round trip are not worth a note, but the URL still may not outlive the credentials.
            expires = left < expires ? left : expires;
        }

        var now = client.Time.GetUtcNow();
        var url = client.Presign(method, bucket, key, expires, signing);
        if (line.Json)
        {
            Console.WriteLine(JsonSerializer.Serialize(
                new
                {
                    url = url.AbsoluteUri,
                    method,
                    expiresInSeconds = (long)expires.TotalSeconds,
                    expiration = Timestamps.Iso(now + expires),
                    credentialsExpiration = credentialsExpire is { } c ? Timestamps.Iso(c) : null,
                },
                JsonOptions));
        }
        else
        {
            Console.WriteLine(url.AbsoluteUri);
        }

        return 0;
    }

    /// <summary>
    /// Asks for credentials that last as long as the URL (at least STS's 15 minutes); when the role
    /// does not allow that long a session, takes the default hour and lets the caller clamp.
    /// </summary>
    private static async Task<RoleSession> AssumeForAsync(CofferClient client, string role, TimeSpan expires, CancellationToken cancellationToken)
    {
        var wanted = expires < MinRoleDuration ? MinRoleDuration : TimeSpan.FromSeconds(Math.Ceiling(expires.TotalSeconds));
        try
        {
            return await RoleSession.AssumeAsync(client, role, wanted, null, cancellationToken).ConfigureAwait(false);
        }
        catch (CofferApiException e) when (e.Code == "ValidationError" && wanted > DefaultRoleDuration)
        {
            return await RoleSession.AssumeAsync(client, role, DefaultRoleDuration, null, cancellationToken).ConfigureAwait(false);
        }
    }
}
