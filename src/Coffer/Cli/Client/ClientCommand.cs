using System.Net.Sockets;

namespace Coffer.Cli.Client;

/// <summary>
/// What every command that talks to a server shares: parsing, --help, the endpoint, region and
/// credentials, and the exit codes (0 success, 1 failed operation, 2 usage error) with the AWS
/// error code and a hint on failure.
/// </summary>
internal static class ClientCommand
{
    public const string CommonUsage = """

        common options:
          --endpoint URL     the server (COFFER_ENDPOINT, default http://127.0.0.1:9000)
          --region NAME      the region to sign for (AWS_REGION, AWS_DEFAULT_REGION, default us-east-1)
          --profile NAME     a profile of ~/.aws/credentials (default AWS_PROFILE, else the
                             AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN variables)
          --json             machine-readable output
          --help             this text
        """;

    public static async Task<int> RunAsync(
        string[] args,
        string usage,
        string[] options,
        string[] flags,
        Func<CommandLine, CofferClient, CancellationToken, Task<int>> run)
    {
        CommandLine line;
        try
        {
            line = CommandLine.Parse(args, options, flags);
        }
        catch (UsageException e)
        {
            return await UsageErrorAsync(e.Message, usage).ConfigureAwait(false);
        }

        if (line.Help)
        {
            Console.WriteLine(usage + CommonUsage);
            return 0;
        }

        Uri endpoint;
        try
        {
            endpoint = Endpoint(line.Get("--endpoint") ?? NullIfEmpty(Environment.GetEnvironmentVariable("COFFER_ENDPOINT")) ?? "http://127.0.0.1:9000");
        }
        catch (UsageException e)
        {
            return await UsageErrorAsync(e.Message, usage).ConfigureAwait(false);
        }

        var region = line.Get("--region")
            ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_REGION"))
            ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"))
            ?? "us-east-1";
        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        try
        {
            var credentials = AwsCredentials.Resolve(line.Get("--profile"), Environment.GetEnvironmentVariable);
            var client = new CofferClient(http, endpoint, region, credentials, TimeProvider.System);
            return await run(line, client, cts.Token).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            return await UsageErrorAsync(e.Message, usage).ConfigureAwait(false);
        }
        catch (CofferApiException e)
        {
            var hint = e.Hint ?? ErrorHints.For(e.Code);
            await Console.Error.WriteLineAsync($"error: {e.Code}: {e.Message}" + (hint is null ? string.Empty : $" ({hint})")).ConfigureAwait(false);
            return 1;
        }
        catch (HttpRequestException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused } || e.HttpRequestError == HttpRequestError.ConnectionError)
        {
            await Console.Error.WriteLineAsync($"error: ConnectionRefused: cannot connect to {endpoint} (is the server running at {endpoint}?)").ConfigureAwait(false);
            return 1;
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"error: {e.HttpRequestError}: {e.Message} (is the server running at {endpoint}?)").ConfigureAwait(false);
            return 1;
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("error: cancelled").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>"s3://BUCKET/KEY" as (bucket, key); a usage error otherwise.</summary>
    public static (string Bucket, string Key) ParseS3Url(string url)
    {
        const string Scheme = "s3://";
        var slash = url.StartsWith(Scheme, StringComparison.Ordinal) ? url.IndexOf('/', Scheme.Length) : -1;
        if (slash <= Scheme.Length || slash == url.Length - 1)
        {
            throw new UsageException($"{url}: expected s3://BUCKET/KEY");
        }

        return (url[Scheme.Length..slash], url[(slash + 1)..]);
    }

    private static Uri Endpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"--endpoint {text}: expected an http:// or https:// URL");

    private static async Task<int> UsageErrorAsync(string message, string usage)
    {
        await Console.Error.WriteLineAsync($"error: {message}\n\n{usage}").ConfigureAwait(false);
        return 2;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
