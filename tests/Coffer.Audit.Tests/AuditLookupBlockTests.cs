using System.Text;
using Coffer.Audit.Lookup;
using Coffer.Audit.Records;

namespace Coffer.Audit.Tests;

public sealed class AuditLookupBlockTests
{
    private static readonly IndexedFields[] Records =
    [
        Fields(TestRecords.GetObject(TestRecords.Root(), "photos", "a/1.jpg", TestRecords.Time.AddSeconds(5))),
        Fields(TestRecords.GetObject(TestRecords.User("alice", "AKIAALICEEXAMPLE0001"), "photos", "b/2.jpg", TestRecords.Time, "AccessDenied")),
        Fields(TestRecords.GetObject(AuditUserIdentity.Anonymous, "team-data", "a/3.jpg", TestRecords.Time.AddSeconds(2))) with { ReadOnly = false, Resources = [] },
    ];

    [Fact]
    public void Build_ThenOpen_GivesBackEachRecordsTimeLocationAndReadOnly()
    {
        var block = Open(out var builder);

        Assert.Equal(3, block.Count);
        Assert.Equal((Records.Min(r => r.EventTime), Records.Max(r => r.EventTime)), (builder.MinTime, builder.MaxTime));
        Assert.Equal(Records.Select(r => r.EventTime), block.Times());
        Assert.Equal([new(100, 1000), new(1166, 1001), new(2233, 1002)], block.Locations());
        Assert.Equal([true, true, false], Enumerable.Range(0, 3).Select(block.ReadOnly));
    }

    [Theory]
    [InlineData(nameof(BlockField.Username), "root", new[] { true, false, false })]
    [InlineData(nameof(BlockField.Username), "alice", new[] { false, true, false })]
    [InlineData(nameof(BlockField.Bucket), "photos", new[] { true, true, false })]
    [InlineData(nameof(BlockField.ErrorCode), "AccessDenied", new[] { false, true, false })]
    [InlineData(nameof(BlockField.ResourceType), "AWS::S3::Object", new[] { true, true, false })]
    [InlineData(nameof(BlockField.ResourceName), "photos/b/2.jpg", new[] { false, true, false })]
    public void AFieldsDictionary_AndCodes_PickOutTheRecordsWithTheValue(string name, string value, bool[] expected)
    {
        var field = Enum.Parse<BlockField>(name);
        var block = Open(out _);
        var wanted = Encoding.UTF8.GetBytes(value);

        var codes = block.MatchingCodes(field, v => v.SequenceEqual(wanted));
        var candidates = new[] { true, true, true };
        block.Keep(field, codes!, candidates);

        Assert.Equal(expected, candidates);
    }

    [Fact]
    public void MatchingCodes_IsNullWhenNoValueMatches_SoTheBlockIsSkipped()
    {
        var block = Open(out _);

        Assert.Null(block.MatchingCodes(BlockField.Username, v => v.SequenceEqual("nobody"u8)));
        Assert.Null(block.MatchingCodes(BlockField.ErrorCode, v => v.IsEmpty));
        Assert.NotNull(block.MatchingCodes(BlockField.ObjectKey, v => v.StartsWith("a/"u8)));
    }

    [Fact]
    public void Open_RefusesWhatIsNotAWholeBlock()
    {
        Open(out var builder);
        var data = builder.Build();

        Assert.Throws<InvalidDataException>(() => AuditLookupBlock.Open([], 0));
        Assert.Throws<InvalidDataException>(() => AuditLookupBlock.Open([9, .. data[1..]], 0));
        Assert.Throws<InvalidDataException>(() => AuditLookupBlock.Open(data[..(data.Length - 1)], 0));
        Assert.Throws<InvalidDataException>(() => AuditLookupBlock.Open(data[..5], 0));
    }

    [Fact]
    public void Build_OfNoRecords_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new AuditLookupBlock.Builder().Build());
    }

    [Fact]
    public void IndexedFields_ReadsTheFilteredFields_WhateverElseTheRecordHolds()
    {
        var json = """
            {"eventVersion":"1.11","userIdentity":{"type":"AssumedRole","principalId":"AROA:s","arn":"arn:aws:sts::111122223333:assumed-role/Uploader/s-1",
            "accountId":"111122223333","accessKeyId":"ASIAEXAMPLE","sessionContext":{"sessionIssuer":{"userName":"Uploader","arn":"x"},"attributes":{"mfaAuthenticated":"false"}}},
            "eventTime":"2026-03-04T05:06:07Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","sourceIPAddress":"192.0.2.7",
            "requestParameters":{"bucketName":"photos","key":"k/1","tags":{"key":"not-this"},"list":[1,{"key":"nor-this"}]},"responseElements":null,
            "errorCode":"NoSuchBucket","readOnly":false,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::photos/k/1"},{"ARN":"typeless"},7],
            "eventID":"e-1","extra":{"eventName":"nested","readOnly":true}}
            """u8;

        var fields = IndexedFields.Read(json);

        Assert.Equal(
            new IndexedFields(TestRecords.Time.ToUnixTimeMilliseconds(), "e-1", "PutObject", "s3.amazonaws.com", false, "s-1",
                "arn:aws:sts::111122223333:assumed-role/Uploader/s-1", "ASIAEXAMPLE", "photos", "k/1", "NoSuchBucket", "192.0.2.7", fields.Resources),
            fields);
        Assert.Equal([new AuditLookupResource("AWS::S3::Object", "photos/k/1", "arn:aws:s3:::photos/k/1")], fields.Resources);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"eventName\":\"GetObject\"}")]
    [InlineData("{\"eventTime\":\"yesterday\"}")]
    [InlineData("{\"eventTime\":\"2026-03-04T05:06:07Z\",")]
    public void IndexedFields_RefusesWhatIsNotARecord(string json)
    {
        var e = Record.Exception(() => IndexedFields.Read(Encoding.UTF8.GetBytes(json)));

        Assert.True(e is FormatException or System.Text.Json.JsonException, e?.GetType().Name);
    }

    private static AuditLookupBlock Open(out AuditLookupBlock.Builder builder)
    {
        builder = new AuditLookupBlock.Builder();
        var offset = 100L;
        for (var i = 0; i < Records.Length; i++)
        {
            builder.Add(Records[i], offset, 1000 + i);
            offset += 1000 + i + 66;
        }

        return AuditLookupBlock.Open(builder.Build(), builder.MinTime);
    }

    private static IndexedFields Fields(AuditRecord record) => IndexedFields.Read(AuditRecordSerializer.Serialize(record));
}
