using System.Text;
using Coffer.Protocol.S3;
using Coffer.Protocol.Xml;
using Xunit;

namespace Coffer.Protocol.Tests.S3;

public sealed class BucketEncryptionTests
{
    private const string Kms = """
        <ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Rule>
            <ApplyServerSideEncryptionByDefault>
              <SSEAlgorithm>aws:kms</SSEAlgorithm>
              <KMSMasterKeyID>arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab</KMSMasterKeyID>
            </ApplyServerSideEncryptionByDefault>
            <BucketKeyEnabled>true</BucketKeyEnabled>
          </Rule>
        </ServerSideEncryptionConfiguration>
        """;

    [Fact]
    public void FromXml_Kms_KeepsTheKeyAndBucketKey()
    {
        var configuration = BucketEncryption.FromXml(Encoding.UTF8.GetBytes(Kms));

        Assert.Equal(new BucketEncryption("aws:kms", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", true), configuration);
    }

    [Theory]
    [InlineData("<SSEAlgorithm>AES256</SSEAlgorithm>", "AES256", null)]
    [InlineData("<SSEAlgorithm>aws:kms</SSEAlgorithm>", "aws:kms", null)]
    [InlineData("<SSEAlgorithm> aws:kms </SSEAlgorithm><KMSMasterKeyID></KMSMasterKeyID>", "aws:kms", null)]
    [InlineData("<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>alias/reports</KMSMasterKeyID>", "aws:kms", "alias/reports")]
    public void FromXml_Valid(string inner, string algorithm, string? keyId)
    {
        var configuration = BucketEncryption.FromXml(Document(inner));

        Assert.Equal(new BucketEncryption(algorithm, keyId, false), configuration);
    }

    [Theory]
    [InlineData("<SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>alias/x</KMSMasterKeyID>", S3ErrorCode.InvalidArgument)]
    [InlineData("<SSEAlgorithm>aws:kms:dsse</SSEAlgorithm>", S3ErrorCode.NotImplemented)]
    [InlineData("<SSEAlgorithm>DES</SSEAlgorithm>", S3ErrorCode.MalformedXML)]
    [InlineData("<SSEAlgorithm>aes256</SSEAlgorithm>", S3ErrorCode.MalformedXML)]
    [InlineData("", S3ErrorCode.MalformedXML)]
    public void FromXml_Refused(string inner, S3ErrorCode code)
    {
        var error = Assert.Throws<S3Exception>(() => BucketEncryption.FromXml(Document(inner)));

        Assert.Equal(code, error.Code);
    }

    [Theory]
    [InlineData("<ServerSideEncryptionConfiguration/>")]
    [InlineData("<ServerSideEncryptionConfiguration><Rule/></ServerSideEncryptionConfiguration>")]
    [InlineData("<Other><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></Other>")]
    [InlineData("<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>")]
    [InlineData("<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>yes</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>")]
    [InlineData("<ServerSideEncryptionConfiguration><Rule>")]
    public void FromXml_Malformed(string xml)
    {
        var error = Assert.Throws<S3Exception>(() => BucketEncryption.FromXml(Encoding.UTF8.GetBytes(xml)));

        Assert.Equal(S3ErrorCode.MalformedXML, error.Code);
    }

    [Fact]
    public void WrittenXml_ParsesBackToTheSameConfiguration()
    {
        var configuration = BucketEncryption.FromXml(Encoding.UTF8.GetBytes(Kms));
        var xml = new XmlBuilder();
        configuration.WriteXml(xml);

        Assert.Equal(configuration, BucketEncryption.FromXml(xml.WrittenMemory.ToArray()));
        Assert.Equal(BucketEncryption.Default, BucketEncryption.FromXml(Document("<SSEAlgorithm>AES256</SSEAlgorithm>")));
    }

    [Fact]
    public void Json_RoundTrips_AndNothingStoredIsTheSseS3Default()
    {
        var configuration = new BucketEncryption("aws:kms", "alias/reports", true);

        Assert.Equal(configuration, BucketEncryption.FromJson(configuration.ToJson()));
        Assert.Equal(new BucketEncryption("AES256", null, false), BucketEncryption.FromJson(null));
    }

    private static byte[] Document(string inner) => Encoding.UTF8.GetBytes(
        $"<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>{inner}</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>");
}
