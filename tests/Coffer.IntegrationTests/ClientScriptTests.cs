using System.Diagnostics;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Coffer.IntegrationTests;

/// <summary>
/// Two generations of real AWS clients drive a scripted session (scripts/) against a fresh
/// server each: current boto3 and aws cli v1 (the ones first on PATH: trailing CRC checksums,
/// aws-chunked uploads) and Debian's boto3 1.26 and aws cli v2 (/usr/bin).
/// </summary>
public sealed partial class ClientScriptTests(ITestOutputHelper output)
{
    /// <summary>What the SSE sessions' bodies repeat, to be looked for on disk.</summary>
    internal const string SseMarker = "COFFER-SSE-SESSION-MARKER-5e0b";

    private static readonly TimeSpan SessionTimeout = TimeSpan.FromMinutes(10);

    public static TheoryData<string> Pythons => new() { "python3", "/usr/bin/python3" };

    public static TheoryData<string> AwsClis => new() { "aws", "/usr/bin/aws" };

    /// <summary>SSE-C needs TLS unless the operator allows it over HTTP, as these loopback tests do.</summary>
    internal static Dictionary<string, string> SseServerEnvironment => new() { ["COFFER_ALLOW_SSE_C_OVER_HTTP"] = "true" };

    private static Dictionary<string, string> SseSessionEnvironment => new() { ["COFFER_SSE_MARKER"] = SseMarker, ["COFFER_SSE_KEEP_OBJECTS"] = "1" };

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Boto3Session_PassesEveryCheck(string python)
    {
        var executable = RequireExecutable(python, python == "python3"
            ? "put a python3 with boto3 first on PATH (this machine's image has pyenv's Python 3.11 with boto3 1.43)"
            : "apt-get install python3-boto3");
        await RequireSuccessAsync(executable, ["-c", "import boto3, botocore"], $"{python} cannot import boto3: " + (python == "python3"
            ? "install boto3 into the python3 first on PATH (pip install boto3)"
            : "apt-get install python3-boto3"));
        RequireExecutable("curl", "apt-get install curl");
        if (python == "python3")
        {
            RequireOtherThan(executable, "/usr/bin/python3", "the current-generation run would repeat Debian's boto3 1.26: put a python3 with current boto3 first on PATH");
        }

        await RunSessionAsync(executable, executable, [ScriptPath("s3_session.py")]);
    }

    /// <summary>
    /// IAM, STS and S3 together (scripts/iam_tenants.py): users confined to their folder or their
    /// bucket, bucket policies, roles assumed through STS and used through pre-signed URLs, and
    /// session expiry (the server issues sessions as short as one second for this).
    /// </summary>
    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task TenantScenario_PassesEveryCheck(string python)
    {
        var executable = RequireExecutable(python, python == "python3" ? "put a python3 with boto3 first on PATH" : "apt-get install python3-boto3");
        await RequireSuccessAsync(executable, ["-c", "import boto3, botocore"], $"{python} cannot import boto3");
        var environment = new Dictionary<string, string> { ["COFFER_STS_MINIMUM_DURATION_SECONDS"] = "1" };
        await RunSessionAsync(executable, executable, [ScriptPath("iam_tenants.py")], environment);
    }

    [Theory]
    [MemberData(nameof(AwsClis))]
    public async Task AwsCliSession_PassesEveryCheck(string aws)
    {
        var executable = RequireExecutable(aws, aws == "aws"
            ? "put aws cli v1 first on PATH (this machine's image has it under pyenv: pip install awscli)"
            : "apt-get install awscli");
        var bash = RequireExecutable("bash", "apt-get install bash");
        if (aws == "aws")
        {
            RequireOtherThan(executable, "/usr/bin/aws", "the current-generation run would repeat Debian's aws cli v2.9: put aws cli v1 (pip install awscli) first on PATH");
        }

        await RunSessionAsync(executable, bash, [ScriptPath("s3_session_cli.sh"), executable]);
    }

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task IamBoto3Session_PassesEveryCheck(string python)
    {
        var executable = await Boto3PythonAsync(python);

        await RunSessionAsync(executable, executable, [ScriptPath("iam_session.py")]);
    }

    [Theory]
    [MemberData(nameof(AwsClis))]
    public async Task IamAwsCliSession_PassesEveryCheck(string aws)
    {
        var (executable, bash) = AwsCliAndBash(aws);

        await RunSessionAsync(executable, bash, [ScriptPath("iam_session_cli.sh"), executable]);
    }

    /// <summary>
    /// The tenant scenario of <see cref="TenantScenario_PassesEveryCheck"/> with the aws cli
    /// (scripts/iam_tenants_cli.sh): every call made with the acting user's or session's own keys,
    /// pre-signed URLs from <c>aws s3 presign</c> (SigV2 from cli v1, SigV4 from cli v2) checked with
    /// curl, sessions that expire, and altered tokens, deactivated keys and deleted users refused.
    /// </summary>
    [Theory]
    [MemberData(nameof(AwsClis))]
    public async Task TenantCliScenario_PassesEveryCheck(string aws)
    {
        var executable = RequireExecutable(aws, aws == "aws"
            ? "put aws cli v1 first on PATH (this machine's image has it under pyenv: pip install awscli)"
            : "apt-get install awscli");
        var bash = RequireExecutable("bash", "apt-get install bash");
        RequireExecutable("curl", "apt-get install curl");
        if (aws == "aws")
        {
            RequireOtherThan(executable, "/usr/bin/aws", "the current-generation run would repeat Debian's aws cli v2.9: put aws cli v1 (pip install awscli) first on PATH");
        }

        var environment = new Dictionary<string, string> { ["COFFER_STS_MINIMUM_DURATION_SECONDS"] = "1" };
        await RunSessionAsync(executable, bash, [ScriptPath("iam_tenants_cli.sh"), executable], environment);
    }

    /// <summary>
    /// Encryption at rest with boto3 (scripts/sse_session.py): uploads in every SSE mode, single and
    /// multipart, with their response headers; SSE-C keys right, wrong and missing; a bucket policy
    /// that demands one KMS key; disabled keys, keys pending deletion, rotation. The objects are
    /// left in place, and no file of the data directory may hold their plaintext.
    /// </summary>
    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task SseBoto3Session_PassesEveryCheck_AndLeavesNoPlaintextOnDisk(string python)
    {
        var executable = await Boto3PythonAsync(python);

        await RunSessionAsync(executable, executable, [ScriptPath("sse_session.py")], SseServerEnvironment, SseSessionEnvironment, AssertNoSseMarkerOnDisk);
    }

    /// <summary>
    /// Encryption at rest with the aws cli (scripts/sse_session_cli.sh): <c>aws kms</c> for the keys,
    /// <c>aws s3 cp --sse / --sse-kms-key-id / --sse-c</c> single and multipart, <c>aws s3api</c> for
    /// the SSE fields, SSE-C keys, bucket encryption and a bucket policy; key states and rotation
    /// (cli v2.9 predates rotate-key-on-demand: curl --aws-sigv4 sends it). No plaintext on disk.
    /// </summary>
    [Theory]
    [MemberData(nameof(AwsClis))]
    public async Task SseAwsCliSession_PassesEveryCheck_AndLeavesNoPlaintextOnDisk(string aws)
    {
        var (executable, bash) = AwsCliAndBash(aws);
        RequireExecutable("curl", "apt-get install curl");
        RequireExecutable("openssl", "apt-get install openssl");

        await RunSessionAsync(executable, bash, [ScriptPath("sse_session_cli.sh"), executable], SseServerEnvironment, SseSessionEnvironment, AssertNoSseMarkerOnDisk);
    }

    private static void AssertNoSseMarkerOnDisk(CofferServer server)
    {
        Assert.True(DataDirectory.BlobFileCount(server.DataDirectory) > 0, "the session left its objects in place");
        var plaintext = DataDirectory.FilesContaining(server.DataDirectory, Encoding.ASCII.GetBytes(SseMarker));
        Assert.True(plaintext.Count == 0, "plaintext of encrypted objects on disk in: " + string.Join(", ", plaintext));
    }

    private async Task RunSessionAsync(
        string client,
        string executable,
        IReadOnlyList<string> arguments,
        IDictionary<string, string>? serverEnvironment = null,
        IDictionary<string, string>? sessionEnvironment = null,
        Action<CofferServer>? afterSession = null)
    {
        await using var server = await CofferServer.StartAsync(environment: serverEnvironment);
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Nothing from the developer's own AWS setup may leak into the session.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["COFFER_ENDPOINT"] = server.Endpoint.GetLeftPart(UriPartial.Authority);
        start.Environment["AWS_ACCESS_KEY_ID"] = CofferServer.AccessKey;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = CofferServer.SecretKey;
        start.Environment["NO_PROXY"] = "127.0.0.1,localhost";
        start.Environment["no_proxy"] = "127.0.0.1,localhost";
        start.Environment["PYTHONUNBUFFERED"] = "1";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (var (name, value) in sessionEnvironment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var (exitCode, sessionOutput) = await RunAsync(start, SessionTimeout);
        output.WriteLine(sessionOutput);

        string serverOutput;
        lock (server.Output)
        {
            serverOutput = string.Join('\n', server.Output.TakeLast(60));
        }

        Assert.True(exitCode == 0, $"""
            {Path.GetFileName(arguments[0])} with {client} exited with {exitCode}
            --- session output ---
            {sessionOutput}
            --- last lines of the server's output ---
            {serverOutput}
            """);
        afterSession?.Invoke(server);
    }

    /// <summary>Runs to the end (or kills after <paramref name="timeout"/>); stdout and stderr interleaved as they arrive.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        var text = new StringBuilder();
        using var process = new Process { StartInfo = start };
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (text)
                {
                    text.AppendLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            lock (text)
            {
                text.AppendLine($"(killed after {timeout.TotalMinutes} minutes)");
            }

            return (-1, text.ToString());
        }

        // The parameterless wait also drains the redirected streams.
        process.WaitForExit();
        lock (text)
        {
            return (process.ExitCode, text.ToString());
        }
    }

    /// <summary>The python of a boto3 Theory case, with boto3 importable; the current generation must not be Debian's.</summary>
    private static async Task<string> Boto3PythonAsync(string python)
    {
        var executable = RequireExecutable(python, python == "python3" ? "put a python3 with boto3 first on PATH" : "apt-get install python3-boto3");
        await RequireSuccessAsync(executable, ["-c", "import boto3, botocore"], $"{python} cannot import boto3");
        if (python == "python3")
        {
            RequireOtherThan(executable, "/usr/bin/python3", "the current-generation run would repeat Debian's boto3 1.26: put a python3 with current boto3 first on PATH");
        }

        return executable;
    }

    /// <summary>The aws cli of an aws cli Theory case and bash to run its script; the current generation must not be Debian's.</summary>
    private static (string Aws, string Bash) AwsCliAndBash(string aws)
    {
        var executable = RequireExecutable(aws, aws == "aws" ? "put aws cli v1 first on PATH (pip install awscli)" : "apt-get install awscli");
        var bash = RequireExecutable("bash", "apt-get install bash");
        if (aws == "aws")
        {
            RequireOtherThan(executable, "/usr/bin/aws", "the current-generation run would repeat Debian's aws cli v2.9: put aws cli v1 first on PATH");
        }

        return (executable, bash);
    }

    private static async Task RequireSuccessAsync(string executable, IReadOnlyList<string> arguments, string failure)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var (exitCode, text) = await RunAsync(start, TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, $"{failure}\n{text}");
    }

    /// <summary>The absolute path of <paramref name="name"/> (looked up on PATH unless it is a path); fails with how to install it.</summary>
    internal static string RequireExecutable(string name, string install)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            Assert.True(File.Exists(name), $"{name} is missing: {install}");
            return name;
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
        Assert.True(path is not null, $"{name} is not on PATH: {install}");
        return path;
    }

    private static void RequireOtherThan(string executable, string debian, string failure)
    {
        static string Resolve(string path) => File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);

        Assert.False(File.Exists(debian) && Resolve(executable) == Resolve(debian), $"{executable} is {debian}: {failure}");
    }

    internal static string ScriptPath(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "scripts", name);
        Assert.True(File.Exists(path), $"{path} is missing: the test project copies scripts/ to its output");
        return path;
    }
}
