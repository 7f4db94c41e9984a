using Coffer.Crypto.Kms;

namespace Coffer.Crypto.Tests.Kms;

/// <summary>A fresh KMS, database and clock for each test.</summary>
public abstract class KmsTestBase : IAsyncLifetime
{
    internal KmsFixture Kms { get; } = KmsFixture.Create();

    internal KeyManagementService Service => Kms.Service;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Kms.DisposeAsync();
}
