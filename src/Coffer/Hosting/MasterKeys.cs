using Coffer.Crypto;
using Coffer.Identity.AccessKeys;

namespace Coffer.Hosting;

/// <summary>Where the master key comes from, and whether it is the one a data directory was sealed with.</summary>
internal static class MasterKeys
{
    /// <summary>The key file: --master-key-file (COFFER_MASTER_KEY_FILE), else DATA/master.key.</summary>
    public static string KeyFilePath(CofferOptions options, string dataDirectory) =>
        Path.GetFullPath(options.MasterKeyFile ?? Path.Combine(dataDirectory, "master.key"));

    /// <summary>Where <c>coffer kms rotate-master</c> stages the new key before the database commits.</summary>
    public static string StagedKeyFilePath(string keyFile) => keyFile + ".new";

    /// <summary>
    /// Whether <paramref name="key"/> opens this data's secrets: by the check value, or for data
    /// from before it existed, by an access-key secret (the check value is then recorded).
    /// </summary>
    public static async Task<bool> MatchesAsync(MasterKey key, MasterKeyCheck check, AccessKeyStore keys, CancellationToken cancellationToken)
    {
        switch (await check.VerifyAsync(key, cancellationToken).ConfigureAwait(false))
        {
            case MasterKeyCheckResult.Matches:
                return true;
            case MasterKeyCheckResult.DoesNotMatch:
                return false;
        }

        if (!await keys.MasterKeyOpensSecretsAsync(cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        await check.RecordAsync(key, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The start-up error for a key that does not match, with how to recover.</summary>
    public static string MismatchMessage(CofferOptions options, string dataDirectory)
    {
        var keyFile = KeyFilePath(options, dataDirectory);
        var source = options.MasterKey is not null ? "COFFER_MASTER_KEY" : keyFile;
        var message = $"the master key ({source}) does not open this data directory's secrets; start with the key {dataDirectory} was sealed with. Nothing was changed.";
        if (options.MasterKey is null && File.Exists(StagedKeyFilePath(keyFile)))
        {
            message += $" A master-key rotation was interrupted: run `coffer kms rotate-master --data {dataDirectory}` again to finish it.";
        }

        return message;
    }
}
