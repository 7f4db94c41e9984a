using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffer.Bench.Baseline;

/// <summary>The <c>baseline</c> command: a bare Kestrel server with one terminal middleware, until SIGTERM or Ctrl+C.</summary>
internal static class BaselineServer
{
    public static async Task RunAsync(IPEndPoint endpoint, TextWriter output, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(endpoint);
        });

        await using var app = builder.Build();
        var handler = new BaselineHandler();
        app.Run(handler.HandleAsync);
        await app.StartAsync(cancellationToken);

        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        output.WriteLine($"listening on {addresses.First()}");
        output.Flush();
        await app.WaitForShutdownAsync(cancellationToken);
    }
}
