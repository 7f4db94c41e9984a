using Coffer.Audit.Digests;

namespace Coffer.Cli.Client;

/// <summary><c>coffer audit public-key</c>: the digest-signing public keys the server published in the log bucket.</summary>
internal static class AuditPublicKeyCommand
{
    public const string Usage = """
        usage: coffer audit public-key [--bucket NAME] [--json]

        Prints the PEM (-----BEGIN PUBLIC KEY-----) of every key the server has signed digests
        with. The server publishes each key in the log bucket as
        AWSLogs/ACCOUNT/CloudTrail-PublicKey/REGION/FINGERPRINT.pem when it first uses it. Keep a
        copy somewhere the server cannot write, and give it to `coffer audit verify --public-key`.

        options:
          --bucket NAME    the log bucket (default coffer-audit-logs)

        example:
          coffer audit public-key > audit-key.pem
          openssl dgst -sha256 -verify audit-key.pem -signature sig.der data
        """;

    public static Task<int> RunAsync(string[] args) =>
        ClientCommand.RunAsync(args, Usage, ["--bucket"], [], async (line, client, cancellationToken) =>
        {
            KeyCommand.NoArguments(line);
            var keys = await FetchAsync(client, line.Get("--bucket") ?? AuditCommand.DefaultBucket, cancellationToken).ConfigureAwait(false);
            if (keys.Count == 0)
            {
                await Console.Error.WriteLineAsync("error: the log bucket holds no public key yet (the server publishes it on its first delivery)").ConfigureAwait(false);
                return 1;
            }

            if (line.Json)
            {
                KeyCommand.WriteJson(keys.Select(k => new { fingerprint = k.Key.Fingerprint, s3Object = k.S3Object, pem = k.Key.ToPem() }));
            }
            else
            {
                foreach (var (_, key) in keys)
                {
                    Console.WriteLine(key.ToPem());
                }
            }

            return 0;
        });

    /// <summary>The public keys published in the bucket, each checked against the fingerprint its name carries.</summary>
    public static async Task<List<(string S3Object, AuditPublicKey Key)>> FetchAsync(CofferClient client, string bucket, CancellationToken cancellationToken)
    {
        var keys = new List<(string, AuditPublicKey)>();
        foreach (var s3Object in await client.S3ListKeysAsync(bucket, "AWSLogs/", cancellationToken).ConfigureAwait(false))
        {
            if (!s3Object.Contains("/CloudTrail-PublicKey/", StringComparison.Ordinal) || !s3Object.EndsWith(".pem", StringComparison.Ordinal))
            {
                continue;
            }

            if (await client.S3GetAsync(bucket, s3Object, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                continue;
            }

            AuditPublicKey key;
            try
            {
                key = AuditPublicKey.FromPem(System.Text.Encoding.ASCII.GetString(found.Body));
            }
            catch (Exception e) when (e is ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                throw new CofferApiException("InvalidPublicKey", $"{s3Object} is not a PEM public key", 200);
            }

            if (!s3Object.EndsWith("/" + key.Fingerprint + ".pem", StringComparison.Ordinal))
            {
                throw new CofferApiException("InvalidPublicKey", $"{s3Object} holds the key {key.Fingerprint}, not the one its name says", 200);
            }

            keys.Add((s3Object, key));
        }

        return keys;
    }
}
