using System.Security.Cryptography;
using Coffer.Crypto;
using Coffer.Crypto.Kms;
using Coffer.Hosting;
using Coffer.Identity.AccessKeys;
using Coffer.Storage.Sqlite;

namespace Coffer.Cli;

/// <summary>
/// <c>coffer kms rotate-master</c>: re-seals every KMS key version's material and every access-key
/// secret under a new master key in one transaction, then installs the key. Object data is
/// never touched: it is encrypted under data keys, which KMS keys wrap, which the master key seals.
/// With a key file the new key is staged beside it first and renamed over it only after the
/// commit, so a crash at any point leaves a key that opens the data (a rerun finishes the job).
/// </summary>
internal static class RotateMasterCommand
{
    public const string Usage = """
        usage: coffer kms rotate-master --data DIR [--new-key-file FILE] [--master-key-file FILE] [--config FILE]

        Re-seals every KMS key's material and every access-key secret under a new master key,
        in one transaction, and installs the new key. Stop the server first; object data is not
        touched. STS session credentials issued before the rotation stop working.

        The current key is COFFER_MASTER_KEY, or else the key file (--master-key-file, default
        DIR/master.key). The new key is read from --new-key-file (base64 of 32 bytes, as a key
        file holds it) or COFFER_NEW_MASTER_KEY; with a key file and neither given, a random key
        is made. With a key file the new key replaces it (mode 0600); with COFFER_MASTER_KEY, set
        it to the new key before starting the server again.

        examples:
          coffer kms rotate-master --data /srv/coffer
          COFFER_MASTER_KEY=old COFFER_NEW_MASTER_KEY=new coffer kms rotate-master --data /srv/coffer
        """;

    private static readonly string[] ServerOptions = ["--data", "--master-key-file", "--config"];

    public static async Task<int> RunAsync(string[] args)
    {
        string? newKeyFile = null;
        var serverArgs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i].Split('=', 2)[0];
            if (args[i] is "--help" or "-h")
            {
                Console.WriteLine(Usage);
                return 0;
            }

            if (name != "--new-key-file" && !ServerOptions.Contains(name))
            {
                return await UsageErrorAsync($"unknown argument {args[i]}");
            }

            var value = args[i].Contains('=', StringComparison.Ordinal) ? args[i][(name.Length + 1)..] : i + 1 < args.Length ? args[++i] : null;
            if (value is null)
            {
                return await UsageErrorAsync($"{name} needs a value");
            }

            if (name == "--new-key-file")
            {
                newKeyFile = value;
            }
            else
            {
                serverArgs.AddRange([name, value]);
            }
        }

        CofferOptions options;
        try
        {
            options = ConfigurationLoader.Load([.. serverArgs]);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or FileNotFoundException)
        {
            return await FailAsync(e.Message, 2);
        }

        try
        {
            return await RotateAsync(options, newKeyFile);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            return await FailAsync(e.Message, 1);
        }
    }

    private static async Task<int> RotateAsync(CofferOptions options, string? newKeyFile)
    {
        var dataDirectory = Path.GetFullPath(options.Data);
        var databasePath = Path.Combine(dataDirectory, "metadata.db");
        if (!File.Exists(databasePath))
        {
            return await FailAsync($"{dataDirectory} holds no Coffer data (no metadata.db)", 2);
        }

        using var dataLock = DataDirectoryLock.TryAcquire(dataDirectory);
        if (dataLock is null)
        {
            return await FailAsync($"{dataDirectory} is in use: stop the server first", 1);
        }

        var keyFile = options.MasterKey is null ? MasterKeys.KeyFilePath(options, dataDirectory) : null;
        if (keyFile is not null && !File.Exists(keyFile))
        {
            return await FailAsync($"no master key: COFFER_MASTER_KEY is not set and {keyFile} does not exist", 2);
        }

        using var current = keyFile is null ? MasterKey.FromBase64(options.MasterKey!) : MasterKey.Load(keyFile);
        await using var database = SqliteDatabase.Open(databasePath);
        var check = new MasterKeyCheck(database);
        var keys = new AccessKeyStore(database, current, TimeProvider.System);
        var staged = keyFile is null ? null : MasterKeys.StagedKeyFilePath(keyFile);
        if (!await MasterKeys.MatchesAsync(current, check, keys, CancellationToken.None))
        {
            return await FinishInterruptedAsync(check, keyFile, staged);
        }

        if (staged is not null && File.Exists(staged))
        {
            // A rotation that failed before its commit: the staged key was never used.
            File.Delete(staged);
        }

        using var replacement = NewKey(newKeyFile, keyFile);
        if (replacement.SameKeyAs(current))
        {
            return await FailAsync("the new master key is the current one", 2);
        }

        if (staged is not null)
        {
            replacement.WriteKeyFile(staged);
        }

        (int KmsVersions, int Secrets, int AuditKeys) counts;
        try
        {
            counts = await database.WriteAsync(connection =>
            {
                MasterKeyCheck.Reseal(connection, current, replacement);
                return (
                    KeyManagementService.ResealKeyMaterial(connection, current, replacement),
                    AccessKeyStore.ResealSecrets(connection, current, replacement),
                    Coffer.Audit.Digests.AuditSigningKeyStore.ResealPrivateKeys(connection, current, replacement));
            }, CancellationToken.None);
        }
        catch (CryptographicException)
        {
            if (staged is not null)
            {
                File.Delete(staged);
            }

            return await FailAsync("a stored secret does not open under the current master key; nothing was changed", 1);
        }

        Console.WriteLine($"Re-sealed {counts.KmsVersions} KMS key versions, {counts.Secrets} access-key secrets and {counts.AuditKeys} audit signing keys under the new master key.");
        if (staged is not null)
        {
            MasterKey.ReplaceKeyFile(staged, keyFile!);
            Console.WriteLine($"Installed the new master key in {keyFile}. Keep a copy of it somewhere other than beside the data.");
        }
        else
        {
            Console.WriteLine("Set COFFER_MASTER_KEY to the new key (" + (newKeyFile is null ? "the value of COFFER_NEW_MASTER_KEY" : $"the content of {newKeyFile}") + ") before starting the server.");
        }

        Console.WriteLine("STS session credentials issued before now no longer work; object data was not touched.");
        return 0;
    }

    /// <summary>The current key does not open the data: if the staged key does, the last rotation committed and only its rename is left.</summary>
    private static async Task<int> FinishInterruptedAsync(MasterKeyCheck check, string? keyFile, string? staged)
    {
        if (staged is not null && File.Exists(staged))
        {
            using var stagedKey = MasterKey.Load(staged);
            if (await check.VerifyAsync(stagedKey, CancellationToken.None) == MasterKeyCheckResult.Matches)
            {
                MasterKey.ReplaceKeyFile(staged, keyFile!);
                Console.WriteLine($"Finished an interrupted master-key rotation: installed the new master key in {keyFile}.");
                return 0;
            }
        }

        return await FailAsync("the current master key does not open this data directory's secrets; nothing was changed", 1);
    }

    private static MasterKey NewKey(string? newKeyFile, string? keyFile)
    {
        if (newKeyFile is not null)
        {
            return MasterKey.Load(newKeyFile);
        }

        if (Environment.GetEnvironmentVariable("COFFER_NEW_MASTER_KEY") is { Length: > 0 } base64)
        {
            return MasterKey.FromBase64(base64);
        }

        return keyFile is not null
            ? MasterKey.Generate()
            : throw new InvalidOperationException("with COFFER_MASTER_KEY set, give the new key in COFFER_NEW_MASTER_KEY or --new-key-file");
    }

    private static async Task<int> UsageErrorAsync(string message)
    {
        await Console.Error.WriteLineAsync($"error: {message}\n\n{Usage}");
        return 2;
    }

    private static async Task<int> FailAsync(string message, int exitCode)
    {
        await Console.Error.WriteLineAsync("coffer kms rotate-master: " + message);
        return exitCode;
    }
}
