using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenIm.Lab.Admin;

namespace OpenIm.Lab.Fronts;

/// <summary>Hosts the three stand-ins and the admin API in one Kestrel, each on its own port.</summary>
internal static class FrontHost
{
    public static async Task<int> RunAsync(LabConfig config)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);

        // Engines keep idle connections open; stopping must not wait the default 30 s for them.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

        using var http = CreateBackendClient();
        var credentials = new LabCredentials(config.User, config.Password);
        var fronts = config.Registries.Select(r => new RegistryFront(r, credentials, http)).ToList();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            foreach (var front in fronts)
            {
                kestrel.Listen(IPAddress.Loopback, front.Port, listen =>
                    listen.Use(next => connection => front.AcceptAsync(connection, next)));
            }

            kestrel.Listen(IPAddress.Loopback, config.AdminPort);
        });

        var app = builder.Build();
        var admin = new AdminApi(fronts);
        var byPort = fronts.ToDictionary(f => f.Port);
        app.Run(context => byPort.TryGetValue(context.Connection.LocalPort, out var front)
            ? front.HandleAsync(context)
            : admin.HandleAsync(context));

        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// One pooled client for all backends; redirects and decompression stay the client's business.
    /// </summary>
    private static HttpClient CreateBackendClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        MaxConnectionsPerServer = 256,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };
}
