using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>
/// boto3's managed transfer and a resumed low-level upload (scripts/multipart_boto3.py), run with
/// <c>python3</c> on PATH (a current boto3) and Debian's <c>/usr/bin/python3</c> (boto3 1.26).
/// </summary>
public sealed class MultipartBoto3Tests
{
    public static TheoryData<string> Pythons => new() { "python3", "/usr/bin/python3" };

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Boto3_UploadFileInPartsAndResumedUpload_ReadBackWhole(string python)
    {
        var work = Directory.CreateTempSubdirectory("coffer-boto3-").FullName;
        try
        {
            await using var server = await CofferServer.StartAsync();
            var script = Path.Combine(AppContext.BaseDirectory, "scripts", "multipart_boto3.py");
            var environment = new Dictionary<string, string?>
            {
                ["AWS_ACCESS_KEY_ID"] = CofferServer.AccessKey,
                ["AWS_SECRET_ACCESS_KEY"] = CofferServer.SecretKey,
                ["AWS_CONFIG_FILE"] = Path.Combine(work, "no-config"),
                ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(work, "no-credentials"),
                ["AWS_PROFILE"] = null,
                ["AWS_SESSION_TOKEN"] = null,
            };

            var result = await ExternalProcess.RunAsync(python, [script, server.Endpoint.ToString().TrimEnd('/'), "boto3", work], environment, TimeSpan.FromMinutes(3));

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Contains(": ok", result.StandardOutput, StringComparison.Ordinal);
            Assert.Equal(0, DataDirectory.TemporaryFileCount(server.DataDirectory));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
