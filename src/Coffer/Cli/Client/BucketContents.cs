using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Coffer.Cli.Client;

/// <summary>What is stored under a prefix of a bucket, and emptying it, through the S3 API.</summary>
internal static class BucketContents
{
    private const int Batch = 1000;

    /// <summary>
    /// What is stored under <paramref name="prefix"/>: current objects, older versions (and delete
    /// markers) besides them, and the bytes of all versions; null when the bucket does not exist.
    /// </summary>
    public static async Task<(long Objects, long OlderVersions, long Bytes)?> MeasureAsync(CofferClient client, string bucket, string prefix, CancellationToken cancellationToken)
    {
        long objects = 0, older = 0, bytes = 0;
        try
        {
            await foreach (var page in PagesAsync(client, bucket, prefix, null, cancellationToken).ConfigureAwait(false))
            {
                objects += page.Count(v => v.IsCurrentObject);
                older += page.Count(v => !v.IsCurrentObject);
                bytes += page.Sum(v => v.Size);
            }
        }
        catch (CofferApiException e) when (e.Code == "NoSuchBucket")
        {
            return null;
        }

        return (objects, older, bytes);
    }

    /// <summary>
    /// Deletes every version of every object (and every delete marker) and aborts every upload in
    /// progress under <paramref name="prefix"/>, so that nothing of it can be brought back and an
    /// own bucket can then be deleted; returns how many current objects and how many versions in
    /// all were deleted, and how many versions object lock kept. A bucket that is gone counts as empty.
    /// </summary>
    public static async Task<(long Objects, long Versions, long Locked)> EmptyAsync(CofferClient client, string bucket, string prefix, Action<long> progress, CancellationToken cancellationToken)
    {
        long objects = 0, versions = 0, locked = 0;
        try
        {
            // Deleting as it lists would move the markers: list from the same place again each time,
            // moving on only past what object lock kept.
            (string Key, string VersionId)? marker = null;
            (string Key, string VersionId)? previousFirst = null;
            while (true)
            {
                var page = await FirstPageAsync(client, bucket, prefix, marker, cancellationToken).ConfigureAwait(false);
                if (page.Count == 0)
                {
                    break;
                }

                if ((page[0].Key, page[0].VersionId) == previousFirst)
                {
                    throw new CofferApiException("InternalError", $"{page[0].Key} (version {page[0].VersionId}) is still listed after it was deleted", 200);
                }

                previousFirst = (page[0].Key, page[0].VersionId);

                var kept = await DeleteAsync(client, bucket, page, cancellationToken).ConfigureAwait(false);
                objects += page.Count(v => v.IsCurrentObject && !kept.Contains(v));
                versions += page.Count - kept.Count;
                locked += kept.Count;
                if (kept.Count > 0)
                {
                    marker = (page[^1].Key, page[^1].VersionId);
                    previousFirst = null;
                }

                progress(objects);
            }

            await AbortUploadsAsync(client, bucket, prefix, cancellationToken).ConfigureAwait(false);
        }
        catch (CofferApiException e) when (e.Code == "NoSuchBucket")
        {
        }

        return (objects, versions, locked);
    }

    /// <summary>ListObjectVersions pages: in an unversioned bucket every object is its one (null) version.</summary>
    private static async IAsyncEnumerable<List<StoredVersion>> PagesAsync(
        CofferClient client, string bucket, string prefix, (string Key, string VersionId)? marker, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        do
        {
            List<KeyValuePair<string, string>> query = [new("versions", string.Empty), new("prefix", prefix), new("encoding-type", "url"), new("max-keys", Batch.ToString(CultureInfo.InvariantCulture))];
            if (marker is { } next)
            {
                query.Add(new("key-marker", next.Key));
                query.Add(new("version-id-marker", next.VersionId));
            }

            var result = await client.S3Async(HttpMethod.Get, bucket, string.Empty, query, null, cancellationToken).ConfigureAwait(false);
            yield return Versions(result);
            marker = result.ChildValue("IsTruncated") == "true"
                ? (Uri.UnescapeDataString(result.ChildValue("NextKeyMarker") ?? string.Empty), result.ChildValue("NextVersionIdMarker") ?? string.Empty)
                : null;
        }
        while (marker is not null);
    }

    private static async Task<List<StoredVersion>> FirstPageAsync(CofferClient client, string bucket, string prefix, (string Key, string VersionId)? marker, CancellationToken cancellationToken)
    {
        await foreach (var page in PagesAsync(client, bucket, prefix, marker, cancellationToken).ConfigureAwait(false))
        {
            return page;
        }

        return [];
    }

    private static List<StoredVersion> Versions(XElement? listing) =>
        [.. (listing?.Elements() ?? []).Where(e => e.Name.LocalName is "Version" or "DeleteMarker").Select(e => new StoredVersion(
            Uri.UnescapeDataString(e.Required("Key")),
            e.Required("VersionId"),
            e.ChildValue("IsLatest") == "true" && e.Name.LocalName == "Version",
            e.Name.LocalName == "Version" ? long.Parse(e.Required("Size"), CultureInfo.InvariantCulture) : 0))];

    /// <summary>
    /// One DeleteObjects request for the versions XML can carry; the rest (control characters in the
    /// key) one by one. Returns the versions object lock kept; any other refusal stops the run.
    /// </summary>
    private static async Task<HashSet<StoredVersion>> DeleteAsync(CofferClient client, string bucket, List<StoredVersion> versions, CancellationToken cancellationToken)
    {
        var kept = new HashSet<StoredVersion>();
        var expressible = versions.Where(v => IsXmlText(v.Key)).ToList();
        if (expressible.Count > 0)
        {
            var request = new XElement(
                "Delete",
                new XElement("Quiet", "true"),
                expressible.Select(v => new XElement("Object", new XElement("Key", v.Key), new XElement("VersionId", v.VersionId))));
            var answer = await client.S3Async(HttpMethod.Post, bucket, string.Empty, [new("delete", string.Empty)], System.Text.Encoding.UTF8.GetBytes(request.ToString(SaveOptions.DisableFormatting)), cancellationToken).ConfigureAwait(false);
            foreach (var error in answer.Children("Error"))
            {
                var key = error.ChildValue("Key") ?? string.Empty;
                if (!IsLockRefusal(error.ChildValue("Code"), error.ChildValue("Message")))
                {
                    throw new CofferApiException(error.ChildValue("Code") ?? "InternalError", $"{key}: {error.ChildValue("Message")}", 200);
                }

                kept.UnionWith(expressible.Where(v => v.Key == key && v.VersionId == error.ChildValue("VersionId")));
            }
        }

        foreach (var version in versions.Where(v => !IsXmlText(v.Key)))
        {
            try
            {
                await client.S3Async(HttpMethod.Delete, bucket, version.Key, [new("versionId", version.VersionId)], null, cancellationToken).ConfigureAwait(false);
            }
            catch (CofferApiException e) when (IsLockRefusal(e.Code, e.Message))
            {
                kept.Add(version);
            }
        }

        return kept;
    }

    /// <summary>S3 refuses to delete a version under object lock with AccessDenied, saying why.</summary>
    private static bool IsLockRefusal(string? code, string? message) =>
        code == "AccessDenied" && message?.Contains("object lock", StringComparison.OrdinalIgnoreCase) == true;

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

    /// <summary>One entry of ListObjectVersions: a version, or a delete marker (no size, never a current object).</summary>
    private sealed record StoredVersion(string Key, string VersionId, bool IsCurrentObject, long Size);
}
