using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Inventory;

namespace NestedHvDashboard.Web.Hardening;

/// <summary>Transport and browser protections: HTTPS, security headers, error detail, request limits.</summary>
public static class HardeningServiceCollectionExtensions
{
    /// <summary>
    /// Request limits (body <see cref="HardeningSettings.MaxRequestBodyBytes"/>, headers 32 KB, forms, hub messages 32 KB),
    /// circuit limits, detailed errors only in Development, HSTS/HTTPS redirection options and forwarded headers.
    /// </summary>
    public static IServiceCollection AddDashboardHardening(this IServiceCollection services, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(environment);
        var development = environment.IsDevelopment();
        services.AddOptions<HardeningOptions>().BindConfiguration(HardeningOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HardeningOptions>, ValidateHardeningOptions>());
        services.TryAddSingleton(sp => HardeningSettings.From(sp.GetRequiredService<IOptions<HardeningOptions>>().Value, environment));

        services.AddOptions<KestrelServerOptions>().Configure<HardeningSettings>((o, settings) =>
        {
            o.AddServerHeader = false;
            o.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
            o.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            o.Limits.MaxRequestHeaderCount = 64;
            o.Limits.MaxRequestLineSize = 8 * 1024;
        });
        services.AddOptions<FormOptions>().Configure<HardeningSettings>((o, settings) =>
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
        services.AddHttpsRedirection(o => o.RedirectStatusCode = StatusCodes.Status308PermanentRedirect);
        services.AddOptions<HttpsRedirectionOptions>().Configure<HardeningSettings>((o, settings) => o.HttpsPort = settings.HttpsPort);
        services.AddOptions<ForwardedHeadersOptions>().Configure<HardeningSettings>((o, settings) =>
        {
            o.ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto;
            foreach (var proxy in settings.KnownProxies)
            {
                o.KnownProxies.Add(proxy);
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
