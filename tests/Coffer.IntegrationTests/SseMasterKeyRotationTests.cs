using System.Security.Cryptography;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Coffer.IntegrationTests;

/// <summary>
/// Encrypted objects through a master-key rotation, driven by boto3 (scripts/sse_restart.py):
/// objects in every SSE mode are uploaded, the server is stopped, <c>coffer kms rotate-master</c>
/// re-seals the KMS keys, and after a restart under the new key every object reads back intact;
/// a start with the old or another key is refused with one line and damages nothing.
/// </summary>
public sealed class SseMasterKeyRotationTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(5);

    private readonly string _data = Directory.CreateTempSubdirectory("coffer-sse-master-").FullName;
    private readonly string _work = Directory.CreateTempSubdirectory("coffer-sse-master-work-").FullName;

    public void Dispose()
    {
        foreach (var directory in new[] { _data, _work })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Both boto3 generations, one with the master key in a file beside the data, one with it in COFFER_MASTER_KEY.</summary>
    public static TheoryData<string, bool> Cases => new()
    {
        { "python3", false },
        { "/usr/bin/python3", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task RotateMaster_ObjectsInEveryMode_ReadBackUnderTheNewKey_AndAWrongKeyIsRefusedWithoutHarm(string python, bool keyInEnvironment)
    {
        var executable = ClientScriptTests.RequireExecutable(python, python == "python3" ? "put a python3 with boto3 first on PATH" : "apt-get install python3-boto3");
        var keyFile = Path.Combine(_data, "master.key");
        var oldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var newKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var manifest = Path.Combine(_work, "manifest.json");

        await RunPhaseAsync(executable, keyInEnvironment ? MasterKey(oldKey) : null, "seed", manifest);
        if (!keyInEnvironment)
        {
            // The server made the key file at its first start.
            oldKey = (await File.ReadAllTextAsync(keyFile)).Trim();
        }

        var rotated = await OfflineCoffer.RunAsync(
            keyInEnvironment ? new Dictionary<string, string> { ["COFFER_MASTER_KEY"] = oldKey, ["COFFER_NEW_MASTER_KEY"] = newKey } : null,
            "kms", "rotate-master", "--data", _data);
        Assert.True(rotated.ExitCode == 0, rotated.ToString());
        Assert.Matches(@"Re-sealed [0-9]+ KMS key versions, [0-9]+ access-key secrets and [0-9]+ audit signing keys", rotated.StandardOutput);
        if (!keyInEnvironment)
        {
            newKey = (await File.ReadAllTextAsync(keyFile)).Trim();
            Assert.NotEqual(oldKey, newKey);
        }

        var rightKey = keyInEnvironment ? MasterKey(newKey) : null;
        await RunPhaseAsync(executable, rightKey, "verify", manifest);

        // The old key and a key never used: refused at start, one line, exit 1, nothing on disk changed.
        foreach (var wrongKey in new[] { oldKey, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) })
        {
            if (keyInEnvironment)
            {
                await OfflineCoffer.AssertStartRefusedAsync(_data, MasterKey(wrongKey), "COFFER_MASTER_KEY");
            }
            else
            {
                await File.WriteAllTextAsync(keyFile, wrongKey);
                await OfflineCoffer.AssertStartRefusedAsync(_data, null, keyFile);
                await File.WriteAllTextAsync(keyFile, newKey);
            }
        }

        await RunPhaseAsync(executable, rightKey, "verify", manifest);
        Assert.True(DataDirectory.BlobFileCount(_data) > 0, "the seeded objects are on disk");
        var plaintext = DataDirectory.FilesContaining(_data, Encoding.ASCII.GetBytes(ClientScriptTests.SseMarker));
        Assert.True(plaintext.Count == 0, "plaintext of encrypted objects on disk in: " + string.Join(", ", plaintext));
    }

    /// <summary>Starts the server on the data, runs one phase of sse_restart.py against it, and stops it cleanly.</summary>
    private async Task RunPhaseAsync(string python, Dictionary<string, string>? masterKey, string phase, string manifest)
    {
        var environment = new Dictionary<string, string>(masterKey ?? []) { ["COFFER_ALLOW_SSE_C_OVER_HTTP"] = "true" };
        await using var server = await CofferServer.StartAsync(_data, environment: environment);
        var client = AwsCliEnvironment.For(CofferCli.Root, _work);
        client["COFFER_ENDPOINT"] = server.Endpoint.GetLeftPart(UriPartial.Authority);
        client["COFFER_SSE_MARKER"] = ClientScriptTests.SseMarker;
        client["PYTHONUNBUFFERED"] = "1";

        var result = await ExternalProcess.RunAsync(python, [ClientScriptTests.ScriptPath("sse_restart.py"), phase, manifest], client, ScriptTimeout);
        output.WriteLine($"--- sse_restart.py {phase} ---\n{result.StandardOutput}{result.StandardError}");

        string serverOutput;
        lock (server.Output)
        {
            serverOutput = string.Join('\n', server.Output.TakeLast(40));
        }

        Assert.True(result.ExitCode == 0, $"sse_restart.py {phase} with {python}\n{result}\n--- last lines of the server's output ---\n{serverOutput}");
        Assert.Equal(0, await server.StopAsync(TimeSpan.FromSeconds(30)));
    }

    private static Dictionary<string, string> MasterKey(string base64) => new() { ["COFFER_MASTER_KEY"] = base64 };
}
