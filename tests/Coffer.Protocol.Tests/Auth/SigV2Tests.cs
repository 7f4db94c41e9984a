using System.Text;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Http;

namespace Coffer.Protocol.Tests.Auth;

/// <summary>The examples of S3's "Signing and authenticating REST requests" (Signature Version 2).</summary>
public sealed class SigV2Tests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

    [Fact]
    public void ObjectGet_MatchesThePublishedSignature()
    {
        var stringToSign = SigV2.StringToSign("GET", "", "", "Tue, 27 Mar 2007 19:36:42 +0000", [], "/awsexamplebucket1/photos/puppy.jpg", QueryParameters.Parse(""));

        Assert.Equal("GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/awsexamplebucket1/photos/puppy.jpg", stringToSign);
        Assert.Equal("qgk2+6Sv9/oM7G3qLEjTH1a1l1g=", SigV2.Signature(Secret, stringToSign));
    }

    [Fact]
    public void ObjectPut_MatchesThePublishedSignature()
    {
        var stringToSign = SigV2.StringToSign("PUT", "", "image/jpeg", "Tue, 27 Mar 2007 21:15:45 +0000", [], "/awsexamplebucket1/photos/puppy.jpg", QueryParameters.Parse(""));

        Assert.Equal("iqRzw+ileNPu1fhspnRs8nOjjIA=", SigV2.Signature(Secret, stringToSign));
    }

    [Fact]
    public void AclSubresourceAndAmzHeaders_AreCanonicalised()
    {
        var stringToSign = SigV2.StringToSign(
            "GET",
            "",
            "",
            "",
            [new("x-amz-meta-b", "two"), new("x-amz-date", "Tue, 27 Mar 2007 19:44:46 +0000"), new("x-amz-meta-b", " one  ")],
            "/awsexamplebucket1/",
            QueryParameters.Parse("?acl&prefix=ignored"));

        Assert.Equal("GET\n\n\n\nx-amz-date:Tue, 27 Mar 2007 19:44:46 +0000\nx-amz-meta-b:two,one\n/awsexamplebucket1/?acl", stringToSign);
    }

    [Fact]
    public void PresignedQuery_SignsExpiresInTheDatePosition()
    {
        var stringToSign = SigV2.StringToSign("GET", "", "", "1175139620", [], "/awsexamplebucket1/photos/puppy.jpg", QueryParameters.Parse("?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature=x"));

        Assert.Equal("GET\n\n\n1175139620\n/awsexamplebucket1/photos/puppy.jpg", stringToSign);
    }
}
