using System.Text;
using System.Text.Json.Nodes;
using Coffer.Audit.Digests;
using Coffer.Audit.Verification;
using Coffer.Crypto;
using Coffer.Protocol.Tests;
using Coffer.Storage.Sqlite;
using Coffer.Storage.Tests;

namespace Coffer.Audit.Tests;

public sealed class AuditDigestTests
{
    [Fact]
    public void StringToSign_FollowsCloudTrailsLayout()
    {
        var digest = new AuditDigest
        {
            AwsAccountId = TestRecords.Account,
            DigestStartTime = TestRecords.Time,
            DigestEndTime = new DateTimeOffset(2026, 3, 4, 6, 0, 0, TimeSpan.Zero),
            DigestS3Bucket = "logs",
            DigestS3Object = "AWSLogs/x.json.gz",
            DigestPublicKeyFingerprint = "f",
            DigestSignatureAlgorithm = AuditDigests.SignatureAlgorithm,
            PreviousDigestSignature = "00ff",
            LogFiles = [],
        };

        var text = Encoding.UTF8.GetString(AuditDigests.StringToSign(digest, "abc"u8));

        Assert.Equal("2026-03-04T06:00:00Z\nlogs/AWSLogs/x.json.gz\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n00ff", text);
        Assert.EndsWith("\nnull", Encoding.UTF8.GetString(AuditDigests.StringToSign(new AuditDigest
        {
            AwsAccountId = digest.AwsAccountId,
            DigestStartTime = digest.DigestStartTime,
            DigestEndTime = digest.DigestEndTime,
            DigestS3Bucket = digest.DigestS3Bucket,
            DigestS3Object = digest.DigestS3Object,
            DigestPublicKeyFingerprint = digest.DigestPublicKeyFingerprint,
            DigestSignatureAlgorithm = digest.DigestSignatureAlgorithm,
            LogFiles = [],
        }, "abc"u8)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WritesCloudTrailsDigestLayout_FirstWithNullPrevious()
    {
        using var trail = await Trail.BuildAsync([1, 0]);

        var first = JsonNode.Parse(trail.Signed[0].Content)!.AsObject();
        var second = JsonNode.Parse(trail.Signed[1].Content)!.AsObject();

        Assert.Equal(
            ["awsAccountId", "digestStartTime", "digestEndTime", "digestS3Bucket", "digestS3Object", "digestPublicKeyFingerprint",
             "digestSignatureAlgorithm", "newestEventTime", "oldestEventTime", "previousDigestS3Bucket", "previousDigestS3Object",
             "previousDigestHashValue", "previousDigestHashAlgorithm", "previousDigestSignature", "logFiles"],
            first.Select(p => p.Key));
        Assert.Null(first["previousDigestSignature"]);
        Assert.Equal("SHA256withECDSA", (string?)first["digestSignatureAlgorithm"]);
        Assert.Equal(32, ((string?)first["digestPublicKeyFingerprint"])!.Length);
        Assert.Equal(
            ["s3Bucket", "s3Object", "hashValue", "hashAlgorithm", "newestEventTime", "oldestEventTime"],
            first["logFiles"]![0]!.AsObject().Select(p => p.Key));
        Assert.StartsWith($"AWSLogs/{TestRecords.Account}/CloudTrail-Digest/us-east-1/2026/03/04/{TestRecords.Account}_CloudTrail-Digest_us-east-1_coffer_us-east-1_20260304T", (string?)first["digestS3Object"], StringComparison.Ordinal);

        // The quiet hour still chains: it starts where the first ended and signs its signature.
        Assert.Empty(second["logFiles"]!.AsArray());
        Assert.Null(second["newestEventTime"]);
        Assert.Equal((string?)first["digestEndTime"], (string?)second["digestStartTime"]);
        Assert.Equal(trail.Signed[0].Signature, (string?)second["previousDigestSignature"]);
        Assert.Equal(trail.Signed[0].Link.HashValue, (string?)second["previousDigestHashValue"]);
    }

    [Fact]
    public async Task Verify_ForgedDigest_SignatureIsInvalid()
    {
        using var trail = await Trail.BuildAsync([2, 1]);
        // Drop a log file from the first digest's list, keeping its signature.
        var forged = JsonNode.Parse(trail.Signed[0].Content)!.AsObject();
        forged["logFiles"]!.AsArray().RemoveAt(1);
        trail.Digests[0] = trail.Digests[0] with { Content = Encoding.UTF8.GetBytes(forged.ToJsonString()) };

        var findings = trail.Verify().Findings.Select(f => (f.Kind, f.S3Object)).ToList();

        Assert.Contains((AuditFindingKind.DigestSignatureInvalid, trail.Digests[0].S3Object), findings);
        Assert.Contains((AuditFindingKind.DigestChainBroken, trail.Digests[0].S3Object), findings);
    }

    [Fact]
    public async Task Verify_DigestSignedWithAnotherKey_IsUnknownKey()
    {
        using var trail = await Trail.BuildAsync([1]);
        using var stranger = AuditSigningKey.Generate(TestRecords.Time);
        trail.ReplaceFirstDigest([], stranger);

        var findings = trail.Verify().Findings;

        Assert.Contains(findings, f => f.Kind == AuditFindingKind.DigestUnknownKey);
        Assert.Contains(findings, f => f.Kind == AuditFindingKind.LogFileInserted);
    }

    [Fact]
    public async Task Verify_DeletedDigest_IsMissing()
    {
        using var trail = await Trail.BuildAsync([1, 0, 0, 1]);
        trail.Digests.RemoveAt(1);

        var finding = Assert.Single(trail.Verify().Findings);

        Assert.Equal((AuditFindingKind.DigestMissing, trail.Digests[1].S3Object), (finding.Kind, finding.S3Object));
    }

    [Fact]
    public async Task Verify_DigestReplacedByAnotherValidlySignedOne_BreaksTheChain()
    {
        using var trail = await Trail.BuildAsync([1, 1]);
        trail.ReplaceFirstDigest([]);

        var findings = trail.Verify().Findings.Select(f => f.Kind).ToList();

        Assert.Equal(2, findings.Count(k => k == AuditFindingKind.DigestChainBroken));
        Assert.DoesNotContain(AuditFindingKind.DigestSignatureInvalid, findings);
    }

    [Fact]
    public async Task Verify_WithoutTheNewestSignature_UsesTheOneTheNextDigestRecords()
    {
        using var trail = await Trail.BuildAsync([1, 1]);
        trail.Digests[0] = trail.Digests[0] with { Signature = null };

        Assert.Empty(trail.Verify().Findings);

        trail.Digests[1] = trail.Digests[1] with { Signature = null };
        Assert.Equal([AuditFindingKind.DigestUnsigned], trail.Verify().Findings.Select(f => f.Kind));
    }

    [Fact]
    public void ObjectKeys_FollowCloudTrailsLayout()
    {
        var at = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

        Assert.Equal(
            "AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/04/111122223333_CloudTrail_us-east-1_20260304T0506Z_0123456789abcdef.json.gz",
            CloudTrailObjectKeys.LogFile("111122223333", "us-east-1", at, "0123456789abcdef"));
        Assert.Equal(
            "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2026/03/04/111122223333_CloudTrail-Digest_us-east-1_coffer_us-east-1_20260304T050607Z.json.gz",
            CloudTrailObjectKeys.Digest("111122223333", "us-east-1", "coffer", at));
    }

    [Fact]
    public async Task SigningKeyStore_MakesOneKeyOnFirstUse_SealedUnderTheMasterKey()
    {
        using var directory = new TempDirectory();
        using var masterKey = MasterKey.FromBase64(Convert.ToBase64String(new byte[32].Select((_, i) => (byte)i).ToArray()));
        await using var database = SqliteDatabase.Open(directory.Combine("meta.db"));
        var store = new AuditSigningKeyStore(database, masterKey, new ManualClock(TestRecords.Time));

        using var first = await store.GetOrCreateAsync(CancellationToken.None);
        using var again = await store.GetOrCreateAsync(CancellationToken.None);

        Assert.Equal(first.Fingerprint, again.Fingerprint);
        Assert.Equal([first.Fingerprint], (await store.ListPublicKeysAsync(CancellationToken.None)).Select(k => k.Fingerprint));

        // What is stored is not the private key, and only this master key opens it.
        await using (var connection = database.OpenRead())
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT private_key_sealed FROM audit_signing_keys";
            var stored = (byte[])(await command.ExecuteScalarAsync())!;
            Assert.Equal(-1, stored.AsSpan().IndexOf(first.PublicKey.SubjectPublicKeyInfo.AsSpan()[^32..]));
            using var other = MasterKey.FromBase64(Convert.ToBase64String(new byte[32]));
            Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() => other.Open(stored, Encoding.UTF8.GetBytes("coffer-audit-signing-key:" + first.Fingerprint)));
        }

        // The exported PEM checks what the stored key signs.
        var pem = first.PublicKey.ToPem();
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem, StringComparison.Ordinal);
        var imported = AuditPublicKey.FromPem(pem);
        Assert.Equal(first.Fingerprint, imported.Fingerprint);
        Assert.True(imported.Verify("data"u8, again.Sign("data"u8)));
        Assert.False(imported.Verify("date"u8, again.Sign("data"u8)));
    }

    [Fact]
    public async Task SigningKeys_AfterMasterKeyRotation_OpenUnderTheNewKeyOnly()
    {
        using var directory = new TempDirectory();
        using var current = MasterKey.FromBase64(Convert.ToBase64String(new byte[32]));
        using var replacement = MasterKey.FromBase64(Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray()));
        await using var database = SqliteDatabase.Open(directory.Combine("meta.db"));
        using var first = await new AuditSigningKeyStore(database, current, TimeProvider.System).GetOrCreateAsync(CancellationToken.None);

        var resealed = await database.WriteAsync(connection => AuditSigningKeyStore.ResealPrivateKeys(connection, current, replacement), CancellationToken.None);

        Assert.Equal(1, resealed);
        using var reopened = await new AuditSigningKeyStore(database, replacement, TimeProvider.System).GetOrCreateAsync(CancellationToken.None);
        Assert.Equal(first.Fingerprint, reopened.Fingerprint);
        Assert.True(first.PublicKey.Verify("data"u8, reopened.Sign("data"u8)));
        await Assert.ThrowsAnyAsync<System.Security.Cryptography.CryptographicException>(() => new AuditSigningKeyStore(database, current, TimeProvider.System).GetOrCreateAsync(CancellationToken.None));
    }

    [Fact]
    public async Task SigningKeys_InADatabaseWithoutThem_AreNoneToReseal()
    {
        using var directory = new TempDirectory();
        using var key = MasterKey.FromBase64(Convert.ToBase64String(new byte[32]));
        await using var database = SqliteDatabase.Open(directory.Combine("meta.db"));

        Assert.Equal(0, await database.WriteAsync(connection => AuditSigningKeyStore.ResealPrivateKeys(connection, key, key), CancellationToken.None));
    }

    [Fact]
    public async Task SigningKeyStore_KeepsTheLastDigestLink()
    {
        using var directory = new TempDirectory();
        using var masterKey = MasterKey.FromBase64(Convert.ToBase64String(new byte[32]));
        await using var database = SqliteDatabase.Open(directory.Combine("meta.db"));
        var store = new AuditSigningKeyStore(database, masterKey, TimeProvider.System);
        Assert.Null(await store.GetLastDigestAsync(CancellationToken.None));

        var link = new DigestLink("logs", "AWSLogs/d1.json.gz", TestRecords.Time, "aa", "bb");
        await store.SaveLastDigestAsync(link, CancellationToken.None);
        await store.SaveLastDigestAsync(link with { S3Object = "AWSLogs/d2.json.gz" }, CancellationToken.None);

        Assert.Equal(link with { S3Object = "AWSLogs/d2.json.gz" }, await store.GetLastDigestAsync(CancellationToken.None));
    }
}
