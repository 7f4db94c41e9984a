using System.Net;
using System.Xml.Linq;
using Amazon.S3;
using Xunit;

namespace Coffer.IntegrationTests;

/// <summary>Assertions on S3 errors, as the SDK reports them and as they look on the wire.</summary>
public static class S3Assert
{
    /// <summary>The SDK call fails with exactly this S3 error code and HTTP status.</summary>
    public static async Task<AmazonS3Exception> FailsAsync(HttpStatusCode status, string code, Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(call);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal(status, error.StatusCode);
        Assert.False(string.IsNullOrEmpty(error.RequestId), "the error carries a request id");
        return error;
    }

    /// <summary>The SDK call fails with this HTTP status (for HEAD and 304, which carry no error document).</summary>
    public static async Task<AmazonS3Exception> FailsWithStatusAsync(HttpStatusCode status, Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(call);
        Assert.Equal(status, error.StatusCode);
        return error;
    }

    /// <summary>
    /// A clean S3 error: the status, an x-amz-request-id header, and an &lt;Error&gt; document whose
    /// Code is <paramref name="code"/> and whose RequestId is the header's.
    /// </summary>
    public static async Task<XElement> ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        var requestId = Assert.Single(response.Headers.GetValues("x-amz-request-id"));
        Assert.False(string.IsNullOrEmpty(requestId));
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var error = XDocument.Parse(body).Root!;
        Assert.Equal("Error", error.Name.LocalName);
        Assert.Equal(code, error.Element("Code")?.Value);
        Assert.False(string.IsNullOrEmpty(error.Element("Message")?.Value), "the error has a message");
        Assert.Equal(requestId, error.Element("RequestId")?.Value);
        return error;
    }

    /// <summary>An error to a HEAD request: the status and a request id, and no body at all.</summary>
    public static async Task HeadErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Single(response.Headers.GetValues("x-amz-request-id"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}
