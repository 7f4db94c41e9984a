using System.Security.Cryptography;
using Coffer.Crypto;
using Coffer.Crypto.Kms;
using Coffer.Protocol.S3;
using Coffer.Protocol.S3.Encryption;
using Coffer.Storage.Sqlite;
using Xunit;

namespace Coffer.Protocol.Tests.S3;

/// <summary>Each encryption mode end to end with a real KMS: choice, sealing, reading back, and the refusals.</summary>
public sealed class ObjectEncryptorTests : IAsyncLifetime
{
    private static readonly byte[] CustomerKey = SHA256.HashData("customer"u8);
    private static readonly byte[] Content = RandomNumberGenerator.GetBytes(150_000);

    private readonly string _directory = Directory.CreateTempSubdirectory("coffer-sse-").FullName;
    private SqliteDatabase _database = null!;
    private MasterKey _masterKey = null!;
    private KeyManagementService _kms = null!;
    private ObjectEncryptor _encryptor = null!;

    public Task InitializeAsync()
    {
        _database = SqliteDatabase.Open(Path.Combine(_directory, "metadata.db"));
        _masterKey = MasterKey.Generate();
        _kms = new KeyManagementService(_database, _masterKey, new KmsOptions(), TimeProvider.System);
        _encryptor = new ObjectEncryptor(_kms);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _masterKey.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task NoHeaders_UsesTheBucketDefault()
    {
        var sseS3 = await _encryptor.ChooseAsync(SseRequest.None, BucketEncryption.Default, default);
        var key = await _kms.CreateKeyAsync("reports", default);
        await _kms.CreateAliasAsync("alias/reports", key.KeyId, default);
        var kms = await _encryptor.ChooseAsync(SseRequest.None, new BucketEncryption("aws:kms", "alias/reports", true), default);
        var awsManaged = await _encryptor.ChooseAsync(SseRequest.None, new BucketEncryption("aws:kms", null, false), default);

        Assert.Equal("AES256", sseS3.Mode);
        Assert.Equal("aws:kms", kms.Mode);
        Assert.Equal(key.Arn, kms.KmsKeyArn);
        Assert.True(kms.BucketKeyEnabled);
        Assert.Equal((await _kms.DescribeKeyAsync("alias/aws/s3", default)).Arn, awsManaged.KmsKeyArn);
    }

    [Theory]
    [InlineData("AES256")]
    [InlineData("aws:kms")]
    [InlineData("SSE-C")]
    public async Task EachMode_SealsAndReadsBack(string mode)
    {
        using var request = Request(mode);
        var choice = await _encryptor.ChooseAsync(request, BucketEncryption.Default, default);

        var (stored, record) = await SealAsync("b", "k", 0, choice, request);
        using var customer = mode == "SSE-C" ? Request(mode) : null;
        var read = await ReadAsync(_encryptor.Opener("b", "k", choice, null, customer), record, stored);

        Assert.Equal(Content, read);
        Assert.Equal(mode, record.Mode);
        Assert.NotNull(record.WrappedKey);
        Assert.Equal(-1, stored.AsSpan().IndexOf(Content.AsSpan(0, 64)));
    }

    [Fact]
    public async Task CustomerKey_MissingOrWrongOnRead_IsRefused_AndNotApplicableElsewhere()
    {
        using var request = Request("SSE-C");
        var choice = await _encryptor.ChooseAsync(request, BucketEncryption.Default, default);
        using var wrong = SseRequest.ForWrite(CustomerHeaders(new byte[32]), secure: true, allowCustomerKeysOverHttp: false);
        var plain = await _encryptor.ChooseAsync(SseRequest.None, BucketEncryption.Default, default);

        Assert.Equal(S3ErrorCode.InvalidRequest, Assert.Throws<S3Exception>(() => _encryptor.Opener("b", "k", choice, null, null)).Code);
        Assert.Equal(S3ErrorCode.AccessDenied, Assert.Throws<S3Exception>(() => _encryptor.Opener("b", "k", choice, null, wrong)).Code);
        Assert.Equal(S3ErrorCode.InvalidRequest, Assert.Throws<S3Exception>(() => _encryptor.Opener("b", "k", plain, null, request)).Code);
        await Assert.ThrowsAsync<S3Exception>(() => _encryptor.SealAsync("b", "k", 1, choice, wrong, default));
    }

    [Fact]
    public async Task Stored_UnderAnotherKeyName_DoesNotOpen()
    {
        var choice = await _encryptor.ChooseAsync(SseRequest.None, BucketEncryption.Default, default);
        var (stored, record) = await SealAsync("b", "k", 0, choice, SseRequest.None);

        await Assert.ThrowsAsync<KmsException>(() => ReadAsync(_encryptor.Opener("b", "other", choice, null, null), record, stored));
    }

    [Fact]
    public async Task DisabledKmsKey_MakesItsObjectsUnreadable_UntilEnabled()
    {
        var key = await _kms.CreateKeyAsync("disable me", default);
        using var request = SseRequest.ForWrite(Headers(("x-amz-server-side-encryption", "aws:kms"), ("x-amz-server-side-encryption-aws-kms-key-id", key.KeyId)), secure: true, allowCustomerKeysOverHttp: false);
        var choice = await _encryptor.ChooseAsync(request, BucketEncryption.Default, default);
        var (stored, record) = await SealAsync("b", "k", 0, choice, request);

        await _kms.DisableKeyAsync(key.KeyId, default);
        var error = await Assert.ThrowsAsync<KmsException>(() => ReadAsync(_encryptor.Opener("b", "k", choice, null, null), record, stored));
        await _kms.EnableKeyAsync(key.KeyId, default);

        Assert.Equal(KmsErrorCode.Disabled, error.Code);
        Assert.Equal(Content, await ReadAsync(_encryptor.Opener("b", "k", choice, null, null), record, stored));
    }

    private async Task<(byte[] Stored, ObjectEncryption Record)> SealAsync(string bucket, string key, int part, ObjectEncryption choice, SseRequest request)
    {
        using var write = await _encryptor.SealAsync(bucket, key, part, choice, request, default);
        var stored = new MemoryStream();
        using (var sink = write.Sealer.Begin((data, ct) => stored.WriteAsync(data, ct)))
        {
            await sink.WriteAsync(Content, default);
            await sink.CompleteAsync(default);
        }

        Assert.Equal(write.Sealer.StoredLength(Content.Length), stored.Length);
        return (stored.ToArray(), write.Record);
    }

    private static async Task<byte[]> ReadAsync(Coffer.Storage.Objects.IContentOpener opener, ObjectEncryption record, byte[] stored)
    {
        await using var stream = await opener.OpenAsync(record.ToJson(), Content.Length, 0, Content.Length - 1, offset => new MemoryStream(stored, (int)offset, stored.Length - (int)offset), default);
        var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static SseRequest Request(string mode) => mode switch
    {
        "SSE-C" => SseRequest.ForWrite(CustomerHeaders(CustomerKey), secure: true, allowCustomerKeysOverHttp: false),
        _ => SseRequest.ForWrite(Headers(("x-amz-server-side-encryption", mode)), secure: true, allowCustomerKeysOverHttp: false),
    };

    private static Func<string, string?> CustomerHeaders(byte[] key) => Headers(
        ("x-amz-server-side-encryption-customer-algorithm", "AES256"),
        ("x-amz-server-side-encryption-customer-key", Convert.ToBase64String(key)),
        ("x-amz-server-side-encryption-customer-key-MD5", Convert.ToBase64String(MD5.HashData(key))));

    private static Func<string, string?> Headers(params (string Name, string Value)[] headers) =>
        name => headers.FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
}
