using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Coffer.Cli.Client;

/// <summary>What is stored under a prefix of a bucket, and emptying it, through the S3 API.</summary>
internal static class BucketContents
{
    private const int Batch = 1000;

    /// <summary>Object count and bytes under <paramref name="prefix"/>; null when the bucket does not exist.</summary>
    public static async Task<(long Objects, long Bytes)?> MeasureAsync(CofferClient client, string bucket, string prefix, CancellationToken cancellationToken)
    {
        long objects = 0, bytes = 0;
        try
        {
            await foreach (var page in PagesAsync(client, bucket, prefix, cancellationToken).ConfigureAwait(false))
            {
                objects += page.Count;
                bytes += page.Sum(o => o.Size);
            }
        }
        catch (CofferApiException e) when (e.Code == "NoSuchBucket")
        {
            return null;
        }

        return (objects, bytes);
    }

    /// <summary>
    /// Deletes every object and aborts every upload in progress under <paramref name="prefix"/>;
    /// returns how many objects were deleted. A bucket that is gone counts as empty.
    /// </summary>
    public static async Task<long> EmptyAsync(CofferClient client, string bucket, string prefix, Action<long> progress, CancellationToken cancellationToken)
    {
        long deleted = 0;
        try
        {
            // Deleting as it lists would move the continuation point: list the first page again each time.
            string? previousFirst = null;
            while (true)
            {
                var page = await FirstPageAsync(client, bucket, prefix, cancellationToken).ConfigureAwait(false);
                if (page.Count == 0)
                {
                    break;
                }

                if (page[0].Key == previousFirst)
                {
                    throw new CofferApiException("InternalError", $"{previousFirst} is still listed after it was deleted", 200);
                }

                previousFirst = page[0].Key;

                await DeleteAsync(client, bucket, page.Select(o => o.Key).ToList(), cancellationToken).ConfigureAwait(false);
                deleted += page.Count;
                progress(deleted);
            }

            await AbortUploadsAsync(client, bucket, prefix, cancellationToken).ConfigureAwait(false);
        }
        catch (CofferApiException e) when (e.Code == "NoSuchBucket")
        {
        }

        return deleted;
    }

    private static async IAsyncEnumerable<List<(string Key, long Size)>> PagesAsync(CofferClient client, string bucket, string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            List<KeyValuePair<string, string>> query = [new("list-type", "2"), new("prefix", prefix), new("encoding-type", "url"), new("max-keys", Batch.ToString(CultureInfo.InvariantCulture))];
            if (token is not null)
            {
                query.Add(new("continuation-token", token));
            }

            var result = await client.S3Async(HttpMethod.Get, bucket, string.Empty, query, null, cancellationToken).ConfigureAwait(false);
            yield return Objects(result);
            token = result.ChildValue("IsTruncated") == "true" ? result.ChildValue("NextContinuationToken") : null;
        }
        while (token is not null);
    }

    private static async Task<List<(string Key, long Size)>> FirstPageAsync(CofferClient client, string bucket, string prefix, CancellationToken cancellationToken)
    {
        await foreach (var page in PagesAsync(client, bucket, prefix, cancellationToken).ConfigureAwait(false))
        {
            return page;
        }

        return [];
    }

    private static List<(string Key, long Size)> Objects(XElement? listing) =>
        [.. listing.Children("Contents").Select(c => (Uri.UnescapeDataString(c.Required("Key")), long.Parse(c.Required("Size"), CultureInfo.InvariantCulture)))];

    /// <summary>One DeleteObjects request for the keys XML can carry; the rest (control characters) one by one.</summary>
    private static async Task DeleteAsync(CofferClient client, string bucket, List<string> keys, CancellationToken cancellationToken)
    {
        var expressible = keys.Where(IsXmlText).ToList();
        if (expressible.Count > 0)
        {
            var request = new XElement(
                "Delete",
                new XElement("Quiet", "true"),
                expressible.Select(k => new XElement("Object", new XElement("Key", k))));
            var answer = await client.S3Async(HttpMethod.Post, bucket, string.Empty, [new("delete", string.Empty)], System.Text.Encoding.UTF8.GetBytes(request.ToString(SaveOptions.DisableFormatting)), cancellationToken).ConfigureAwait(false);
            if (answer.Children("Error").FirstOrDefault() is { } error)
            {
                throw new CofferApiException(error.ChildValue("Code") ?? "InternalError", $"{error.ChildValue("Key")}: {error.ChildValue("Message")}", 200);
            }
        }

        foreach (var key in keys.Where(k => !IsXmlText(k)))
        {
            await client.S3Async(HttpMethod.Delete, bucket, key, [], null, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task AbortUploadsAsync(CofferClient client, string bucket, string prefix, CancellationToken cancellationToken)
    {
        while (true)
        {
            var listing = await client.S3Async(HttpMethod.Get, bucket, string.Empty, [new("uploads", string.Empty), new("prefix", prefix), new("encoding-type", "url")], null, cancellationToken).ConfigureAwait(false);
            var uploads = listing.Children("Upload").Select(u => (Key: Uri.UnescapeDataString(u.Required("Key")), Id: u.Required("UploadId"))).ToList();
            if (uploads.Count == 0)
            {
                return;
            }

            foreach (var (key, id) in uploads)
            {
                try
                {
                    await client.S3Async(HttpMethod.Delete, bucket, key, [new("uploadId", id)], null, cancellationToken).ConfigureAwait(false);
                }
                catch (CofferApiException e) when (e.Code == "NoSuchUpload")
                {
                }
            }
        }
    }

    private static bool IsXmlText(string key)
    {
        try
        {
            XmlConvert.VerifyXmlChars(key);
            return true;
        }
        catch (XmlException)
        {
            return false;
        }
    }
}
