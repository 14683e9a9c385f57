using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using NestedHvDashboard.Web.Inventory;

namespace NestedHvDashboard.Web.Hardening;

/// <summary>
/// The <c>Hardening</c> settings.
/// </summary>
/// <param name="RequireHttps">HSTS and a redirect of http:// to https:// (default: on outside Development). Behind a
/// proxy that ends TLS, set <see cref="ForwardedHeaders"/> so the app sees the original https, or set this false.</param>
/// <param name="HttpsPort">The port the redirect sends to; unset: the https address Kestrel listens on.</param>
/// <param name="ForwardedHeaders">Trust X-Forwarded-For/-Proto from loopback proxies (or <c>Hardening:KnownProxies</c>).</param>
/// <param name="FrameAncestors">CSP frame-ancestors sources, e.g. <c>https://signage.example</c>; default <c>'none'</c>.</param>
/// <param name="MaxRequestBodyBytes">The largest request body (default 1 MB); larger answers 413.</param>
public sealed record HardeningSettings(bool RequireHttps, int? HttpsPort, bool ForwardedHeaders, string FrameAncestors, long MaxRequestBodyBytes)
{
    /// <summary>The CSP source list that forbids framing.</summary>
    public const string NoFraming = "'none'";

    /// <summary>Reads <c>Hardening:*</c>; the defaults depend on the environment only for <see cref="RequireHttps"/>.</summary>
    public static HardeningSettings FromConfiguration(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        var section = configuration.GetSection("Hardening");
        var ancestors = section["FrameAncestors"];
        return new HardeningSettings(
            section.GetValue("RequireHttps", !environment.IsDevelopment()),
            section.GetValue<int?>("HttpsPort"),
            section.GetValue("ForwardedHeaders", false),
            string.IsNullOrWhiteSpace(ancestors) ? NoFraming : ancestors.Trim(),
            section.GetValue("MaxRequestBodyBytes", 1024L * 1024));
    }
}

/// <summary>Transport and browser protections: HTTPS, security headers, error detail, request limits.</summary>
public static class HardeningServiceCollectionExtensions
{
    /// <summary>
    /// Request limits (body <see cref="HardeningSettings.MaxRequestBodyBytes"/>, headers 32 KB, forms, hub messages 32 KB),
    /// circuit limits, detailed errors only in Development, HSTS/HTTPS redirection options and forwarded headers.
    /// </summary>
    public static IServiceCollection AddDashboardHardening(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        var settings = HardeningSettings.FromConfiguration(configuration, environment);
        var development = environment.IsDevelopment();
        services.AddSingleton(settings);

        services.Configure<KestrelServerOptions>(o =>
        {
            o.AddServerHeader = false;
            o.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
            o.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            o.Limits.MaxRequestHeaderCount = 64;
            o.Limits.MaxRequestLineSize = 8 * 1024;
        });
        services.Configure<FormOptions>(o =>
        {
            o.MultipartBodyLengthLimit = settings.MaxRequestBodyBytes;
            o.ValueLengthLimit = (int)Math.Min(settings.MaxRequestBodyBytes, int.MaxValue);
            o.ValueCountLimit = 256;
        });

        // The circuit's errors reach the browser only in Development; elsewhere they go to the log.
        services.Configure<CircuitOptions>(o =>
        {
            o.DetailedErrors = development;
            o.DisconnectedCircuitMaxRetained = 100;
            o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(3);
            o.MaxBufferedUnacknowledgedRenderBatches = 10;
            o.JSInteropDefaultCallTimeout = TimeSpan.FromMinutes(1);
        });
        services.Configure<HubOptions>(o => o.EnableDetailedErrors = development);
        services.Configure<HubOptions<InventoryHub>>(o =>
        {
            o.EnableDetailedErrors = development;
            o.MaximumReceiveMessageSize = 32 * 1024;
        });

        // The security headers own X-Frame-Options: antiforgery's SAMEORIGIN would undo an operator's Hardening:FrameAncestors.
        services.AddAntiforgery(o => o.SuppressXFrameOptionsHeader = true);
        services.AddHsts(o =>
        {
            o.MaxAge = TimeSpan.FromDays(365);
            o.IncludeSubDomains = false;
        });
        services.AddHttpsRedirection(o =>
        {
            o.RedirectStatusCode = StatusCodes.Status308PermanentRedirect;
            o.HttpsPort = settings.HttpsPort;
        });
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            foreach (var proxy in configuration.GetSection("Hardening:KnownProxies").Get<string[]>() ?? [])
            {
                o.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
        return services;
    }

    /// <summary>
    /// First in the pipeline: forwarded headers (when set), the error page without detail outside Development,
    /// HSTS and the https redirect (when <see cref="HardeningSettings.RequireHttps"/>), the security headers, then 413 for a body declared too large.
    /// </summary>
    public static WebApplication UseDashboardHardening(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.Services.GetRequiredService<HardeningSettings>();
        if (settings.ForwardedHeaders)
        {
            app.UseForwardedHeaders();
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        if (settings.RequireHttps)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.UseMiddleware<SecurityHeaders>();

        // A body declared too large is refused at the door; endpoints reading forms would otherwise answer a vague 400.
        app.Use((context, next) =>
        {
            if (context.Request.ContentLength > settings.MaxRequestBodyBytes)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return Task.CompletedTask;
            }

            return next(context);
        });
        return app;
    }
}
