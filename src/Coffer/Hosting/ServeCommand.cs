using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Coffer.Audit;
using Coffer.Audit.Delivery;
using Coffer.Audit.Digests;
using Coffer.Audit.Lookup;
using Coffer.Audit.Segments;
using Coffer.Crypto;
using Coffer.Crypto.Kms;
using Coffer.Identity.AccessKeys;
using Coffer.Identity.Iam;
using Coffer.Identity.Sessions;
using Coffer.Protocol;
using Coffer.Protocol.Auth;
using Coffer.Protocol.Authorization;
using Coffer.Protocol.Iam;
using Coffer.Protocol.Json.CloudTrail;
using Coffer.Protocol.Json.Kms;
using Coffer.Protocol.S3;
using Coffer.Protocol.Sts;
using Coffer.Storage;
using Coffer.Storage.Blobs.FileSystem;
using Coffer.Storage.Lifecycle;
using Coffer.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Hosting;

/// <summary><c>coffer serve</c>: opens the data directory, recovers from any crash, and serves until SIGTERM.</summary>
internal static partial class ServeCommand
{
    public const string HealthPath = "/_coffer/health";

    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(10);

    /// <summary>How often access keys' last use is written: batched, never a write per request.</summary>
    private static readonly TimeSpan KeyUseFlushInterval = TimeSpan.FromSeconds(30);

    /// <summary>How long a clean stop spends delivering the journal's last records before leaving them for the next start.</summary>
    private static readonly TimeSpan FinalDeliveryTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(string[] args)
    {
        CofferOptions options;
        try
        {
            options = ConfigurationLoader.Load(args);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync("coffer: " + e.Message);
            return 2;
        }

        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                await Console.Error.WriteLineAsync("coffer: " + problem);
            }

            return 2;
        }

        var dataDirectory = Path.GetFullPath(options.Data);
        Directory.CreateDirectory(dataDirectory);
        var time = TimeProvider.System;
        using var dataLock = DataDirectoryLock.TryAcquire(dataDirectory);
        if (dataLock is null)
        {
            await Console.Error.WriteLineAsync($"coffer: {dataDirectory} is in use by another coffer process (a server, or coffer kms rotate-master)");
            return 1;
        }

        MasterKey masterKey;
        var keyFile = MasterKeys.KeyFilePath(options, dataDirectory);
        try
        {
            masterKey = options.MasterKey is not null ? MasterKey.FromBase64(options.MasterKey) : MasterKey.LoadOrCreate(keyFile);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync("coffer: master key: " + e.Message);
            return 2;
        }

        await using var database = SqliteDatabase.Open(Path.Combine(dataDirectory, "metadata.db"));
        var keys = new AccessKeyStore(database, masterKey, time);

        // Before anything is read, written or sealed: a wrong key would make every secret unreadable.
        if (!await MasterKeys.MatchesAsync(masterKey, new MasterKeyCheck(database), keys, CancellationToken.None))
        {
            if (masterKey.CreatedKeyFile)
            {
                File.Delete(keyFile);
            }

            await Console.Error.WriteLineAsync("coffer: " + MasterKeys.MismatchMessage(options, dataDirectory));
            return 1;
        }

        if (masterKey.CreatedKeyFile)
        {
            await Console.Error.WriteLineAsync("coffer: warning: created a master key file beside the data; keep a copy elsewhere, or set COFFER_MASTER_KEY.");
        }

        if (options.BenchAuditOff)
        {
            await Console.Error.WriteLineAsync("coffer: warning: COFFER_BENCH_AUDIT_OFF is set: no request is recorded in the audit trail. For benchmarks only.");
        }

        if (options.BenchUnencrypted)
        {
            await Console.Error.WriteLineAsync("coffer: warning: COFFER_BENCH_UNENCRYPTED is set: objects written without SSE headers are stored in plaintext. For benchmarks only.");
        }

        var metadata = new SqliteMetadataStore(database);
        var blobs = new FileBlobStore(dataDirectory);
        var store = new ObjectStore(metadata, blobs, time);

        var (temporary, orphaned) = await store.RecoverAsync(CancellationToken.None);
        var (rootKeyId, generatedSecret) = await keys.EnsureRootKeyAsync(options.RootAccessKey, options.RootSecretKey, CancellationToken.None);
        var accountId = await keys.EnsureAccountAsync(CancellationToken.None);
        var iam = new IamStore(database, keys, time, accountId);
        var kmsOptions = new KmsOptions { Region = options.Region, AccountId = accountId };
        if (kmsOptions.Validate().FirstOrDefault() is { } kmsProblem)
        {
            await Console.Error.WriteLineAsync("coffer: " + kmsProblem);
            return 2;
        }

        var kms = new KeyManagementService(database, masterKey, kmsOptions, time);
        if (generatedSecret is not null)
        {
            Console.WriteLine("Root credentials were created. They are shown only this once:");
            Console.WriteLine($"  Access key ID:     {rootKeyId}");
            Console.WriteLine($"  Secret access key: {generatedSecret}");
        }

        // The audit log bucket exists before the first request, so nothing is ever journaled without somewhere to deliver it.
        var serverObjects = new ServerObjects(store, kms, time);
        try
        {
            if (await serverObjects.EnsureLockedBucketAsync(options.AuditBucket, options.Region, options.AuditRetentionDays, CancellationToken.None))
            {
                Console.WriteLine($"Created the audit log bucket {options.AuditBucket} (object lock, COMPLIANCE retention of {options.AuditRetentionDays} days)");
            }
        }
        catch (InvalidOperationException e)
        {
            await Console.Error.WriteLineAsync("coffer: audit: " + e.Message);
            return 2;
        }

        // Coffer reads no appsettings.json; watching for one would watch the working directory
        // recursively, and with it every object, database and journal write under a ./data there.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(options.ShutdownTimeoutSeconds));
        builder.WebHost.ConfigureKestrel(kestrel => ConfigureKestrel(kestrel, options));

        var protocolOptions = ProtocolOptionsFrom(options);
        protocolOptions.AccountId = accountId;
        await using var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Coffer");

        // Before the first request: the journal recovers a torn tail itself; a journal that cannot be written stops the start.
        AuditTrail auditTrail;
        try
        {
            auditTrail = AuditTrail.Open(dataDirectory, options.AuditFailOpen, options.AuditSyncReads, !options.BenchAuditOff, time, app.Services.GetRequiredService<ILoggerFactory>());
        }
        catch (Coffer.Audit.AuditUnavailableException e)
        {
            await Console.Error.WriteLineAsync($"coffer: audit: {e.Message} {e.InnerException?.Message}");
            return 1;
        }

        await using var auditTrailScope = auditTrail;
        if (options.AuditFailOpen)
        {
            LogAuditFailOpen(logger);
        }

        if (temporary + orphaned > 0)
        {
            LogRecovered(logger, temporary, orphaned);
        }

        // The lookup index is a database of its own: rebuilt from the journal if lost, and never in the metadata's write queue.
        await using var lookupDatabase = SqliteDatabase.Open(Path.Combine(dataDirectory, "audit", "lookup.db"));
        using var lookup = new AuditLookupService(new AuditLookupIndex(lookupDatabase, auditTrail.Journal), time, app.Services.GetRequiredService<ILogger<AuditLookupService>>());

        // Delivery follows the one journal the front-ends record into.
        var delivery = new AuditDeliveryWorker(
            auditTrail.Journal,
            new AuditLogBucket(serverObjects, options.AuditBucket),
            new AuditDeliveryState(database),
            new AuditSigningKeyStore(database, masterKey, time),
            new AuditDeliveryOptions
            {
                AccountId = accountId,
                Region = options.Region,
                DeliveryInterval = options.AuditDeliveryInterval,
                DigestInterval = options.AuditDigestInterval,
                StagingDirectory = Path.Combine(dataDirectory, "audit", "outgoing"),
                RetryInterval = TimeSpan.FromSeconds(Math.Min(30, options.AuditDeliveryInterval.TotalSeconds)),
                UnreadFrom = () => lookup.CaughtUp.Sequence,
            },
            time,
            app.Services.GetRequiredService<ILogger<AuditDeliveryWorker>>());

        var sessions = new SessionTokens(masterKey, time);
        var authorizer = new Authorizer(new PrincipalPolicies(iam), protocolOptions, time);
        var endpoint = new S3Endpoint(store, keys, sessions, authorizer, kms, auditTrail, protocolOptions, time, app.Services.GetRequiredService<ILogger<S3Endpoint>>());
        var iamEndpoint = new IamEndpoint(iam, keys, sessions, authorizer, auditTrail, protocolOptions, time, app.Services.GetRequiredService<ILogger<IamEndpoint>>());
        var stsEndpoint = new StsEndpoint(iam, keys, sessions, authorizer, auditTrail, protocolOptions, time, app.Services.GetRequiredService<ILogger<StsEndpoint>>());
        var kmsEndpoint = new KmsEndpoint(kms, keys, sessions, authorizer, auditTrail, protocolOptions, time, app.Services.GetRequiredService<ILogger<KmsEndpoint>>());

        var cloudTrailEndpoint = new CloudTrailEndpoint(lookup, keys, sessions, authorizer, auditTrail, protocolOptions, time, app.Services.GetRequiredService<ILogger<CloudTrailEndpoint>>());
        app.Run(context =>
        {
            if (context.Request.Path.Equals(HealthPath, StringComparison.Ordinal) && HttpMethods.IsGet(context.Request.Method))
            {
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync("ok\n");
            }

            // One port for every API, as AWS clients need only an endpoint: the signature's scope names the service.
            return SigningScope.Service(context.Request) switch
            {
                IamEndpoint.Service => iamEndpoint.HandleAsync(context),
                StsEndpoint.Service => stsEndpoint.HandleAsync(context),
                KmsEndpoint.Service => kmsEndpoint.HandleAsync(context),
                CloudTrailEndpoint.Service => cloudTrailEndpoint.HandleAsync(context),
                null when SigningScope.IsUnsignedQueryCall(context.Request) => iamEndpoint.HandleAsync(context),
                null when KmsEndpoint.IsUnsignedCall(context.Request) => kmsEndpoint.HandleAsync(context),
                null when CloudTrailEndpoint.IsUnsignedCall(context.Request) => cloudTrailEndpoint.HandleAsync(context),
                _ => endpoint.HandleAsync(context),
            };
        });

        await app.StartAsync();
        var scheme = options.TlsCert is null ? "http" : "https";
        foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses)
        {
            var uri = new Uri(address);
            Console.WriteLine($"Coffer listening on {scheme}://{uri.Host}:{uri.Port}");
        }

        using var sweeper = new Timer(_ => Sweep(store, blobs, options, logger), null, TimeSpan.FromSeconds(5), SweepInterval);
        using var keyUse = new Timer(_ => FlushKeyUse(keys, logger), null, KeyUseFlushInterval, KeyUseFlushInterval);
        using var kmsMaintenance = new Timer(_ => MaintainKms(kms, logger), null, TimeSpan.FromSeconds(30), kmsOptions.MaintenanceInterval);
        var lifecycleClock = options.LifecycleClockOffsetFile is { } offsetFile ? new OffsetFileTimeProvider(Path.GetFullPath(offsetFile), time) : time;
        if (options.LifecycleClockOffsetFile is not null)
        {
            LogLifecycleClockOffset(logger, options.LifecycleClockOffsetFile);
        }

        var lifecycle = new LifecycleWorker(store, lifecycleClock, app.Services.GetRequiredService<ILogger<LifecycleWorker>>());
        using var stopping = new CancellationTokenSource();
        var lifecycleRun = lifecycle.RunAsync(options.LifecycleInterval, stopping.Token);
        var deliveryRun = delivery.RunAsync(stopping.Token);
        var lookupRun = lookup.RunAsync(stopping.Token);
        await app.WaitForShutdownAsync();

        // A pass stops between two deletions; each one is its own transaction. Delivery resumes
        // after a restart from what is in the bucket and the metadata database.
        await stopping.CancelAsync();
        await lifecycleRun;
        await deliveryRun;
        await lookupRun;
        FlushKeyUse(keys, logger);
        if (auditTrail.Enabled)
        {
            await DeliverLastRecordsAsync(auditTrail.Journal, lookup, delivery, logger);
        }

        // The web host has stopped: every request's record is in; the journal closes last.
        await auditTrail.DisposeAsync();
        LogStopped(logger);
        return 0;
    }

    /// <summary>
    /// The records of the last minutes go to the log bucket at a clean stop rather than at the next
    /// start, which may be much later or never on this machine. Delivery takes a segment only once
    /// the lookup index has read it, so the index reads the closed segment first.
    /// </summary>
    private static async Task DeliverLastRecordsAsync(AuditSegmentWriter journal, AuditLookupService lookup, AuditDeliveryWorker delivery, ILogger logger)
    {
        using var timeout = new CancellationTokenSource(FinalDeliveryTimeout);
        try
        {
            await journal.RollAsync(timeout.Token);
            if (!lookup.WaitFor(journal.Committed, FinalDeliveryTimeout, timeout.Token))
            {
                throw new TimeoutException("The lookup index did not read the last segment in time.");
            }

            await delivery.DeliverAsync(timeout.Token);
        }
        catch (Exception e)
        {
            LogFinalDeliveryFailed(logger, FinalDeliveryTimeout, e);
        }
    }

    private static void Sweep(ObjectStore store, FileBlobStore blobs, CofferOptions options, ILogger logger)
    {
        try
        {
            blobs.SweepTemporaryFiles();
            var expired = store.ExpireUploadsAsync(options.IncompleteUploadExpiry, CancellationToken.None).GetAwaiter().GetResult();
            if (expired > 0)
            {
                LogExpired(logger, expired);
            }
        }
        catch (Exception e)
        {
            LogSweepFailed(logger, e);
        }
    }

    private static void FlushKeyUse(AccessKeyStore keys, ILogger logger)
    {
        try
        {
            keys.FlushUsageAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            LogKeyUseFlushFailed(logger, e);
        }
    }

    /// <summary>Rotations that fell due and deletions whose window passed, for keys nobody used meanwhile.</summary>
    private static void MaintainKms(KeyManagementService kms, ILogger logger)
    {
        try
        {
            var result = kms.RunMaintenanceAsync(CancellationToken.None).GetAwaiter().GetResult();
            if (result.Rotated + result.Destroyed > 0)
            {
                LogKmsMaintained(logger, result.Rotated, result.Destroyed);
            }
        }
        catch (Exception e)
        {
            LogKmsMaintenanceFailed(logger, e);
        }
    }

    private static void ConfigureKestrel(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, CofferOptions options)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = null;
        // Kestrel's own limits answer without an S3 error body, so they sit well above the
        // limits the S3 front-end enforces itself (16 KiB of headers, 1024-byte keys).
        kestrel.Limits.MaxRequestHeadersTotalSize = 256 * 1024;
        kestrel.Limits.MaxRequestLineSize = 64 * 1024;
        kestrel.Limits.MaxRequestHeaderCount = 1000;
        kestrel.Limits.MinRequestBodyDataRate = null;

        // Room for the socket to keep filling while the previous block is hashed and written.
        kestrel.Limits.MaxRequestBufferSize = 4 * 1024 * 1024;
        kestrel.RequestHeaderEncodingSelector = _ => Encoding.Latin1;
        kestrel.ResponseHeaderEncodingSelector = _ => Encoding.Latin1;

        CofferOptions.TryParseListen(options.Listen, out var host, out var port);
        var addresses = host is "localhost" ? [IPAddress.Loopback] : new[] { IPAddress.Parse(host) };
        foreach (var address in addresses)
        {
            kestrel.Listen(address, port, listen =>
            {
                if (options.TlsCert is not null)
                {
                    var certificate = X509Certificate2.CreateFromPemFile(options.TlsCert, options.TlsKey);
                    listen.UseHttps(certificate);
                }
            });
        }
    }

    private static ProtocolOptions ProtocolOptionsFrom(CofferOptions options)
    {
        var suffixes = new List<string> { "localhost" };
        suffixes.AddRange(Split(options.Domains));
        string? publicHost = null;
        if (options.PublicEndpoint is not null)
        {
            var uri = new Uri(options.PublicEndpoint);
            publicHost = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
            suffixes.Add(uri.Host);
        }

        return new ProtocolOptions
        {
            Region = options.Region,
            StsMinimumDurationSeconds = options.StsMinimumDurationSeconds,
            AllowCustomerKeysOverHttp = options.AllowSseCOverHttp,
            BenchUnencrypted = options.BenchUnencrypted,
            AccountPublicAccessBlock = PublicAccessBlock.TryParseSetting(options.PublicAccessBlock, out var block) ? block : PublicAccessBlock.All,
            PublicHost = publicHost,
            TrustedProxies = Split(options.TrustedProxies).Select(IPAddress.Parse).ToList(),
            VirtualHostSuffixes = suffixes.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
        };
    }

    private static IEnumerable<string> Split(string? value) =>
        (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Recovered after an unclean stop: removed {Temporary} temporary files and {Orphaned} unreferenced blobs")]
    private static partial void LogRecovered(ILogger logger, int temporary, int orphaned);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Removed {Parts} parts of multipart uploads older than the expiry")]
    private static partial void LogExpired(ILogger logger, int parts);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "The periodic sweep failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Writing access keys' last use failed")]
    private static partial void LogKeyUseFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "KMS: rotated {Rotated} keys that were due, destroyed the material of {Destroyed} keys past their deletion window")]
    private static partial void LogKmsMaintained(ILogger logger, int rotated, int destroyed);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "KMS maintenance failed")]
    private static partial void LogKmsMaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "The lifecycle worker's clock is offset by the content of {File}: for tests only")]
    private static partial void LogLifecycleClockOffset(ILogger logger, string file);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "COFFER_AUDIT_FAIL_OPEN is set: when the audit journal cannot be written, requests are served and their records dropped")]
    private static partial void LogAuditFailOpen(ILogger logger);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "The audit journal's last records could not be delivered at the stop (within {Timeout}); they are delivered at the next start")]
    private static partial void LogFinalDeliveryFailed(ILogger logger, TimeSpan timeout, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Coffer stopped cleanly")]
    private static partial void LogStopped(ILogger logger);
}
