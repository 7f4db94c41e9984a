using System.Text;
using Coffer.Protocol.S3;
using Coffer.Protocol.Xml;
using Xunit;

namespace Coffer.Protocol.Tests.S3;

public sealed class PublicAccessBlockTests
{
    private static byte[] Document(string inner) => Encoding.UTF8.GetBytes(
        $"""<PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{inner}</PublicAccessBlockConfiguration>""");

    [Fact]
    public void FromXml_AsTheCliSendsIt_ReadsEveryFlag()
    {
        var block = PublicAccessBlock.FromXml(Document(
            "<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets>"));

        Assert.Equal(new PublicAccessBlock(true, false, true, false), block);
    }

    [Fact]
    public void FromXml_AbsentFlags_AreFalse()
    {
        Assert.Equal(new PublicAccessBlock(false, false, true, false), PublicAccessBlock.FromXml(Document("<BlockPublicPolicy> true </BlockPublicPolicy>")));
        Assert.Equal(PublicAccessBlock.None, PublicAccessBlock.FromXml(Document(string.Empty)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("<PublicAccessBlockConfiguration>")]
    [InlineData("<Other><BlockPublicAcls>true</BlockPublicAcls></Other>")]
    [InlineData("<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>")]
    [InlineData("<PublicAccessBlockConfiguration><BlockPublicAcls>TRUE</BlockPublicAcls></PublicAccessBlockConfiguration>")]
    [InlineData("<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><BlockPublicAcls>false</BlockPublicAcls></PublicAccessBlockConfiguration>")]
    [InlineData("<PublicAccessBlockConfiguration><BlockEverything>true</BlockEverything></PublicAccessBlockConfiguration>")]
    [InlineData("<PublicAccessBlockConfiguration><BlockPublicAcls><x/>true</BlockPublicAcls></PublicAccessBlockConfiguration>")]
    [InlineData("<PublicAccessBlockConfiguration>true</PublicAccessBlockConfiguration>")]
    [InlineData("<!DOCTYPE a [<!ENTITY e \"true\">]><PublicAccessBlockConfiguration><BlockPublicAcls>&e;</BlockPublicAcls></PublicAccessBlockConfiguration>")]
    public void FromXml_Malformed_FailsWithMalformedXml(string xml)
    {
        var error = Assert.Throws<S3Exception>(() => PublicAccessBlock.FromXml(Encoding.UTF8.GetBytes(xml)));

        Assert.Equal(S3ErrorCode.MalformedXML, error.Code);
    }

    [Fact]
    public void WriteXml_ThenFromXml_RoundTrips()
    {
        var block = new PublicAccessBlock(false, true, false, true);
        var xml = block.WriteXml(new XmlBuilder()).WrittenMemory.ToArray();

        Assert.Contains("<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>", Encoding.UTF8.GetString(xml), StringComparison.Ordinal);
        Assert.Equal(block, PublicAccessBlock.FromXml(xml));
    }

    [Theory]
    [InlineData(false, false, false, false)]
    [InlineData(true, true, true, true)]
    [InlineData(false, true, false, true)]
    [InlineData(true, false, false, false)]
    public void StoredForm_RoundTrips(bool acls, bool ignore, bool policy, bool restrict)
    {
        var block = new PublicAccessBlock(acls, ignore, policy, restrict);

        Assert.Equal(block, PublicAccessBlock.FromStored(block.ToStored(), out var configured));
        Assert.True(configured);
    }

    [Fact]
    public void StoredForm_DeletedMarker_IsUnconfiguredAndBlocksNothing_AndGarbageBlocksEverything()
    {
        Assert.Equal(PublicAccessBlock.None, PublicAccessBlock.FromStored(PublicAccessBlock.DeletedMarker, out var configured));
        Assert.False(configured);
        Assert.Equal(PublicAccessBlock.All, PublicAccessBlock.FromStored("not,a,flag", out _));
    }

    [Theory]
    [InlineData(null, false, false, false, false)]
    [InlineData("", false, false, false, false)]
    [InlineData("false", false, false, false, false)]
    [InlineData("TRUE", true, true, true, true)]
    [InlineData("BlockPublicPolicy, restrictpublicbuckets", false, false, true, true)]
    public void TryParseSetting_AcceptsBooleansAndFlagLists(string? value, bool acls, bool ignore, bool policy, bool restrict)
    {
        Assert.True(PublicAccessBlock.TryParseSetting(value, out var block));
        Assert.Equal(new PublicAccessBlock(acls, ignore, policy, restrict), block);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("BlockPublicPolicy,Everything")]
    public void TryParseSetting_Unknown_IsRefused(string value) => Assert.False(PublicAccessBlock.TryParseSetting(value, out _));

    [Fact]
    public void Or_IsTheMostRestrictiveCombination()
    {
        var account = new PublicAccessBlock(false, false, true, false);
        var bucket = new PublicAccessBlock(true, false, false, false);

        Assert.Equal(new PublicAccessBlock(true, false, true, false), account.Or(bucket));
        Assert.Equal(bucket, PublicAccessBlock.None.Or(bucket));
    }
}
