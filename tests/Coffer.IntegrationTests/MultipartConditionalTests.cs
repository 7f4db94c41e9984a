using System.Net;
using System.Text;
using System.Xml.Linq;
using Xunit;

namespace Coffer.IntegrationTests;

public sealed class MultipartConditionalTests
{
    private static readonly XNamespace S3 = "http://s3.amazonaws.com/doc/2006-03-01/";

    [Fact]
    public async Task CompleteMultipartUpload_IfNoneMatchStarOnAnExistingKey_FailsWithPreconditionFailedAndKeepsBoth()
    {
        await using var server = await CofferServer.StartAsync();
        using var client = new S3TestClient(server.Endpoint);
        await client.CreateBucketAsync("cond");
        using (var existing = await client.SendAsync(HttpMethod.Put, "/cond/key", "old"u8.ToArray()))
        {
            existing.EnsureSuccessStatusCode();
        }

        var uploadId = await CreateUploadAsync(client, "/cond/key");
        string etag;
        using (var part = await client.SendAsync(HttpMethod.Put, $"/cond/key?partNumber=1&uploadId={uploadId}", "new"u8.ToArray()))
        {
            part.EnsureSuccessStatusCode();
            etag = part.Headers.ETag!.Tag;
        }

        var complete = Encoding.UTF8.GetBytes($"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{etag}</ETag></Part></CompleteMultipartUpload>");
        using (var refused = await client.SendAsync(HttpMethod.Post, $"/cond/key?uploadId={uploadId}", complete, r => r.Headers.TryAddWithoutValidation("If-None-Match", "*")))
        {
            Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
            Assert.Contains("<Code>PreconditionFailed</Code>", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var old = await client.SendAsync(HttpMethod.Get, "/cond/key"))
        {
            Assert.Equal("old", await old.Content.ReadAsStringAsync());
        }

        // The upload survives the refusal and completes without the condition.
        using (var completed = await client.SendAsync(HttpMethod.Post, $"/cond/key?uploadId={uploadId}", complete))
        {
            Assert.Equal(HttpStatusCode.OK, completed.StatusCode);
        }

        using var current = await client.SendAsync(HttpMethod.Get, "/cond/key");
        Assert.Equal("new", await current.Content.ReadAsStringAsync());
    }

    private static async Task<string> CreateUploadAsync(S3TestClient client, string path)
    {
        using var response = await client.SendAsync(HttpMethod.Post, path + "?uploads");
        response.EnsureSuccessStatusCode();
        return XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants(S3 + "UploadId").Single().Value;
    }
}
