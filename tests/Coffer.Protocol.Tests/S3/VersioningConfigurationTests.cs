using System.Text;
using Coffer.Protocol.S3;
using Coffer.Storage.Buckets;

namespace Coffer.Protocol.Tests.S3;

public sealed class VersioningConfigurationTests
{
    [Theory]
    [InlineData("<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Enabled</Status></VersioningConfiguration>", VersioningStatus.Enabled)]
    [InlineData("<VersioningConfiguration><Status>Suspended</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>", VersioningStatus.Suspended)]
    [InlineData("<VersioningConfiguration><Status> Enabled </Status></VersioningConfiguration>", VersioningStatus.Enabled)]
    public void Parse_TheStatusesS3Knows(string xml, VersioningStatus expected) =>
        Assert.Equal(expected, VersioningConfiguration.Parse(Encoding.UTF8.GetBytes(xml)));

    [Fact]
    public void Parse_NoStatus_ChangesNothing() =>
        Assert.Null(VersioningConfiguration.Parse("<VersioningConfiguration/>"u8.ToArray()));

    [Theory]
    [InlineData("<VersioningConfiguration><Status>Disabled</Status></VersioningConfiguration>")]
    [InlineData("<VersioningConfiguration><Status>enabled</Status></VersioningConfiguration>")]
    [InlineData("<VersioningConfiguration><Status></Status></VersioningConfiguration>")]
    [InlineData("<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Maybe</MfaDelete></VersioningConfiguration>")]
    [InlineData("<Versioning><Status>Enabled</Status></Versioning>")]
    [InlineData("<VersioningConfiguration><Status>Enabled</Status>")]
    [InlineData("not xml")]
    public void Parse_AnythingElse_IsMalformedXml(string xml)
    {
        var error = Assert.Throws<S3Exception>(() => VersioningConfiguration.Parse(Encoding.UTF8.GetBytes(xml)));

        Assert.Equal(S3ErrorCode.MalformedXML, error.Code);
    }

    [Fact]
    public void Parse_MfaDeleteEnabled_IsRefused()
    {
        var error = Assert.Throws<S3Exception>(() => VersioningConfiguration.Parse("<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>"u8.ToArray()));

        Assert.Equal(S3ErrorCode.NotImplemented, error.Code);
    }

    [Theory]
    [InlineData(null, "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></VersioningConfiguration>")]
    [InlineData(VersioningStatus.Suspended, "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Suspended</Status></VersioningConfiguration>")]
    public void ToXml_WritesTheStatusWhenThereIsOne(VersioningStatus? status, string expected) =>
        Assert.Contains(expected, Encoding.UTF8.GetString(VersioningConfiguration.ToXml(status).WrittenMemory.Span));

    [Theory]
    [InlineData(S3Operation.GetObject, false, "s3:GetObject")]
    [InlineData(S3Operation.GetObject, true, "s3:GetObjectVersion")]
    [InlineData(S3Operation.HeadObject, true, "s3:GetObjectVersion")]
    [InlineData(S3Operation.DeleteObject, true, "s3:DeleteObjectVersion")]
    [InlineData(S3Operation.PutObject, true, "s3:PutObject")]
    [InlineData(S3Operation.ListObjectVersions, false, "s3:ListBucketVersions")]
    [InlineData(S3Operation.PutBucketVersioning, false, "s3:PutBucketVersioning")]
    [InlineData(S3Operation.GetBucketVersioning, false, "s3:GetBucketVersioning")]
    [InlineData(S3Operation.PutObjectTagging, false, "s3:PutObjectTagging")]
    [InlineData(S3Operation.PutObjectTagging, true, "s3:PutObjectVersionTagging")]
    [InlineData(S3Operation.GetObjectTagging, false, "s3:GetObjectTagging")]
    [InlineData(S3Operation.GetObjectTagging, true, "s3:GetObjectVersionTagging")]
    [InlineData(S3Operation.DeleteObjectTagging, false, "s3:DeleteObjectTagging")]
    [InlineData(S3Operation.DeleteObjectTagging, true, "s3:DeleteObjectVersionTagging")]
    public void Actions_ANamedVersionIsItsOwnPermission(S3Operation operation, bool namesVersion, string expected) =>
        Assert.Equal(expected, S3Actions.For(operation, namesVersion));
}
