using System.Collections;
using Microsoft.Extensions.Configuration;

namespace Coffer.Hosting;

/// <summary>Builds the configuration in precedence order: defaults, file, environment, command line.</summary>
internal static class ConfigurationLoader
{
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--data"] = nameof(CofferOptions.Data),
        ["--listen"] = nameof(CofferOptions.Listen),
        ["--region"] = nameof(CofferOptions.Region),
        ["--tls-cert"] = nameof(CofferOptions.TlsCert),
        ["--tls-key"] = nameof(CofferOptions.TlsKey),
        ["--public-endpoint"] = nameof(CofferOptions.PublicEndpoint),
        ["--trusted-proxies"] = nameof(CofferOptions.TrustedProxies),
        ["--domains"] = nameof(CofferOptions.Domains),
        ["--master-key-file"] = nameof(CofferOptions.MasterKeyFile),
        ["--incomplete-upload-expiry"] = nameof(CofferOptions.IncompleteUploadExpiry),
        ["--public-access-block"] = nameof(CofferOptions.PublicAccessBlock),
        ["--lifecycle-interval"] = nameof(CofferOptions.LifecycleInterval),
        ["--lifecycle-clock-offset-file"] = nameof(CofferOptions.LifecycleClockOffsetFile),
        ["--audit-fail-open"] = nameof(CofferOptions.AuditFailOpen),
        ["--audit-sync-reads"] = nameof(CofferOptions.AuditSyncReads),
        ["--config"] = "Config",
    };

    public static CofferOptions Load(string[] args)
    {
        var commandLine = new ConfigurationBuilder().AddCommandLine(args, Switches).Build();
        var environment = EnvironmentValues();
        var configFile = commandLine["Config"] ?? environment.GetValueOrDefault("CONFIG") ?? (File.Exists("coffer.json") ? "coffer.json" : null);

        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false);
        }

        builder.AddInMemoryCollection(environment!);
        builder.AddCommandLine(args, Switches);
        var options = new CofferOptions();
        builder.Build().Bind(options);
        return options;
    }

    /// <summary>COFFER_TLS_CERT → TlsCert: the prefix removed and underscores dropped, matched without regard to case.</summary>
    private static Dictionary<string, string> EnvironmentValues()
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && name.StartsWith("COFFER_", StringComparison.Ordinal) && entry.Value is string value)
            {
                values[name["COFFER_".Length..].Replace("_", string.Empty, StringComparison.Ordinal)] = value;
            }
        }

        return values;
    }
}
