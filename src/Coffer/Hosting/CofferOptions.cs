namespace Coffer.Hosting;

/// <summary>Server settings: defaults &lt; config file &lt; COFFER_* environment &lt; command line.</summary>
public sealed class CofferOptions
{
    public string Data { get; set; } = "./data";

    public string Listen { get; set; } = "127.0.0.1:9000";

    public string Region { get; set; } = "us-east-1";

    public string? TlsCert { get; set; }

    public string? TlsKey { get; set; }

    /// <summary>The URL clients use, e.g. https://files.example.com behind a proxy; pre-signed URLs are checked against its host.</summary>
    public string? PublicEndpoint { get; set; }

    /// <summary>Comma-separated proxy addresses whose X-Forwarded-Host/-Proto are trusted.</summary>
    public string? TrustedProxies { get; set; }

    /// <summary>Comma-separated domains for virtual-hosted-style addressing (bucket.DOMAIN); "localhost" is always one.</summary>
    public string? Domains { get; set; }

    public string? RootAccessKey { get; set; }

    public string? RootSecretKey { get; set; }

    /// <summary>Base64 of 32 bytes; without it a key file is used.</summary>
    public string? MasterKey { get; set; }

    /// <summary>Where the master key lives when not given directly; default DATA/master.key.</summary>
    public string? MasterKeyFile { get; set; }

    public int ShutdownTimeoutSeconds { get; set; } = 30;

    /// <summary>Multipart uploads neither completed nor aborted are removed after this long.</summary>
    public TimeSpan IncompleteUploadExpiry { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the lifecycle worker applies the buckets' lifecycle rules (COFFER_LIFECYCLE_INTERVAL).</summary>
    public TimeSpan LifecycleInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// For tests and rehearsals only (COFFER_LIFECYCLE_CLOCK_OFFSET_FILE): a file whose content (an ISO
    /// 8601 duration such as P40D, or seconds) is added to the time the lifecycle worker sees, re-read
    /// on every pass. Objects are expired as if that much time had passed.
    /// </summary>
    public string? LifecycleClockOffsetFile { get; set; }

    /// <summary>The shortest session STS issues (DurationSeconds); AWS's 900 unless lowered, e.g. to test expiry.</summary>
    public int StsMinimumDurationSeconds { get; set; } = 900;

    /// <summary>Accept SSE-C keys over plain HTTP (S3 requires TLS); for tests on loopback only.</summary>
    public bool AllowSseCOverHttp { get; set; }

    /// <summary>
    /// Store writes that ask for no encryption in plaintext (COFFER_BENCH_UNENCRYPTED): exists only so
    /// that the benchmark can measure what encryption costs. Never for real data.
    /// </summary>
    public bool BenchUnencrypted { get; set; }

    /// <summary>
    /// When the audit journal cannot be written (COFFER_AUDIT_FAIL_OPEN): false (the default) refuses
    /// every request with 503 rather than serve it unrecorded; true serves it and drops the record,
    /// counted and logged.
    /// </summary>
    public bool AuditFailOpen { get; set; }

    /// <summary>
    /// Whether a read-only request's response waits for its record's fsync (COFFER_AUDIT_SYNC_READS).
    /// False (the default): the record is written to the journal before the response, so it
    /// survives the server being killed, and fsync'd within 20 ms; true: not even a power cut
    /// can lose it, at a cost to read throughput.
    /// </summary>
    public bool AuditSyncReads { get; set; }

    /// <summary>
    /// Record nothing (COFFER_BENCH_AUDIT_OFF): exists only so that the benchmark can measure what
    /// auditing costs. Never for real use: requests leave no trail.
    /// </summary>
    public bool BenchAuditOff { get; set; }

    /// <summary>
    /// The account-wide Block Public Access (COFFER_PUBLIC_ACCESS_BLOCK): <c>false</c> (the default: each
    /// bucket's own block decides), <c>true</c> for all four flags, or a comma-separated list of them.
    /// Combined with every bucket's block, flag by flag, as AWS's account-level setting is.
    /// </summary>
    public string? PublicAccessBlock { get; set; }

    /// <summary>The bucket audit log files and digests are delivered to (COFFER_AUDIT_BUCKET), created with object lock on first start.</summary>
    public string AuditBucket { get; set; } = "coffer-audit-logs";

    /// <summary>The log bucket's COMPLIANCE default retention in days (COFFER_AUDIT_RETENTION_DAYS), set when the server creates it.</summary>
    public int AuditRetentionDays { get; set; } = 365;

    /// <summary>How often the journal is closed and delivered to the log bucket (COFFER_AUDIT_DELIVERY_INTERVAL).</summary>
    public TimeSpan AuditDeliveryInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The period of a signed digest (COFFER_AUDIT_DIGEST_INTERVAL); whole seconds, CloudTrail's hour by default.</summary>
    public TimeSpan AuditDigestInterval { get; set; } = TimeSpan.FromHours(1);

    public IEnumerable<string> Validate()
    {
        if (StsMinimumDurationSeconds is < 1 or > 900)
        {
            yield return "sts-minimum-duration-seconds must be from 1 to 900";
        }

        if (string.IsNullOrWhiteSpace(Data))
        {
            yield return "data: a data directory is required";
        }

        if (!TryParseListen(Listen, out _, out _))
        {
            yield return $"listen: '{Listen}' is not HOST:PORT";
        }

        if ((TlsCert is null) != (TlsKey is null))
        {
            yield return "tls-cert and tls-key go together";
        }

        if ((RootAccessKey is null) != (RootSecretKey is null))
        {
            yield return "COFFER_ROOT_ACCESS_KEY and COFFER_ROOT_SECRET_KEY go together";
        }

        if (RootAccessKey is { Length: < 16 or > 128 })
        {
            yield return "the root access key must be 16 to 128 characters";
        }

        if (RootSecretKey is { Length: < 16 })
        {
            yield return "the root secret key must be at least 16 characters";
        }

        if (IncompleteUploadExpiry <= TimeSpan.Zero)
        {
            yield return "incomplete-upload-expiry must be positive";
        }

        if (LifecycleInterval <= TimeSpan.Zero)
        {
            yield return "lifecycle-interval must be positive";
        }

        if (!Protocol.S3.PublicAccessBlock.TryParseSetting(PublicAccessBlock, out _))
        {
            yield return $"public-access-block: '{PublicAccessBlock}' is not true, false or a list of BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets";
        }

        if (!Protocol.S3.BucketNames.IsValid(AuditBucket))
        {
            yield return $"audit-bucket: '{AuditBucket}' is not a valid bucket name";
        }

        if (AuditRetentionDays is < 1 or > 36_500)
        {
            yield return "audit-retention-days must be from 1 to 36500";
        }

        if (AuditDeliveryInterval < TimeSpan.FromSeconds(1))
        {
            yield return "audit-delivery-interval must be at least one second";
        }

        if (AuditDigestInterval < TimeSpan.FromSeconds(1) || AuditDigestInterval.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            yield return "audit-digest-interval must be whole seconds, at least one";
        }

        if (PublicEndpoint is not null && !Uri.TryCreate(PublicEndpoint, UriKind.Absolute, out _))
        {
            yield return $"public-endpoint: '{PublicEndpoint}' is not an absolute URL";
        }
    }

    public static bool TryParseListen(string value, out string host, out int port)
    {
        host = string.Empty;
        port = 0;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out port) || port is < 0 or > 65535)
        {
            return false;
        }

        host = value[..colon].Trim('[', ']');
        return host.Length > 0;
    }
}
