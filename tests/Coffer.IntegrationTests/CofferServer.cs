using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Coffer.IntegrationTests;

/// <summary>
/// The real <c>coffer</c> executable started as a child process on 127.0.0.1 with a free port
/// and a temporary data directory, as a user would start it.
/// </summary>
public sealed partial class CofferServer : IAsyncDisposable
{
    public const string AccessKey = "AKIATESTROOT00000001";
    public const string SecretKey = "testRootSecretKey0000000000000000000000001";

    private Process? _process;

    private CofferServer(string dataDirectory, bool ownsDirectory)
    {
        DataDirectory = dataDirectory;
        OwnsDirectory = ownsDirectory;
    }

    public string DataDirectory { get; }

    public bool OwnsDirectory { get; }

    public Uri Endpoint { get; private set; } = null!;

    public int Port => Endpoint.Port;

    public List<string> Output { get; } = [];

    public int? ProcessId => _process?.Id;

    /// <summary>Starts a server; with <paramref name="dataDirectory"/> given, on that existing data (a restart).</summary>
    public static async Task<CofferServer> StartAsync(string? dataDirectory = null, int port = 0, IDictionary<string, string>? environment = null)
    {
        var owns = dataDirectory is null;
        dataDirectory ??= Directory.CreateTempSubdirectory("coffer-test-").FullName;
        var server = new CofferServer(dataDirectory, owns);
        await server.LaunchAsync(port, environment);
        return server;
    }

    private async Task LaunchAsync(int port, IDictionary<string, string>? environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "coffer.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--data");
        start.ArgumentList.Add(DataDirectory);
        start.ArgumentList.Add("--listen");
        start.ArgumentList.Add($"127.0.0.1:{port}");
        start.Environment["COFFER_ROOT_ACCESS_KEY"] = AccessKey;
        start.Environment["COFFER_ROOT_SECRET_KEY"] = SecretKey;
        if (environment is not null)
        {
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }
        }

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (Output)
            {
                Output.Add(e.Data);
            }

            var match = ListeningLine().Match(e.Data);
            if (match.Success)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (Output)
                {
                    Output.Add(e.Data);
                }
            }
        };
        _process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("coffer exited before listening:\n" + string.Join('\n', Output)));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [GeneratedRegex(@"listening on (http\S+)")]
    private static partial Regex ListeningLine();

    /// <summary>SIGKILL: no shutdown code runs, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>SIGTERM, then waits for a clean exit; returns the exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (_process is null || _process.HasExited)
        {
            return _process?.ExitCode ?? 0;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        if (OwnsDirectory)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
