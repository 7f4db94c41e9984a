namespace Coffer.Protocol.S3;

/// <summary>The block in effect for a bucket: the server's account-wide block OR the bucket's own.</summary>
internal sealed class PublicAccessBlocks(BucketConfigCache<PublicAccessBlock.Stored> buckets, PublicAccessBlock account)
{
    public BucketConfigCache<PublicAccessBlock.Stored> Buckets => buckets;

    public PublicAccessBlock Account => account;

    /// <summary>A bucket without a stored configuration (created before the block existed) is fully blocked.</summary>
    public async ValueTask<PublicAccessBlock> EffectiveAsync(string bucket, CancellationToken cancellationToken)
    {
        var stored = await buckets.GetAsync(bucket, cancellationToken).ConfigureAwait(false);
        return account.Or(stored?.Block ?? PublicAccessBlock.All);
    }
}
