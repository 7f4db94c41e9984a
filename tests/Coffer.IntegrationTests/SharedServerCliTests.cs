namespace Coffer.IntegrationTests;

/// <summary>
/// What the CLI test classes on the shared server have in common: the CLI runner, a root IAM
/// client for set-up and checks, and a work directory for CSV files, removed afterwards.
/// </summary>
public abstract class SharedServerCliTests(SharedServerFixture fixture, string workPrefix) : IDisposable
{
    protected const string Bucket = SharedServerFixture.Bucket;

    protected SharedServerFixture Fixture { get; } = fixture;

    protected CofferCli Cli { get; } = new(fixture.Server);

    protected QueryApiClient Iam { get; } = new(fixture.Server.Endpoint, "iam");

    protected string Work { get; } = Directory.CreateTempSubdirectory(workPrefix).FullName;

    public void Dispose()
    {
        Iam.Dispose();
        Directory.Delete(Work, recursive: true);
        GC.SuppressFinalize(this);
    }
}
