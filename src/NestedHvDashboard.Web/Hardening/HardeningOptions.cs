using System.Net;
using Microsoft.Extensions.Options;

namespace NestedHvDashboard.Web.Hardening;

/// <summary>
/// The <c>Hardening</c> settings as configured, bound by the options system and checked by <see cref="ValidateHardeningOptions"/>;
/// <see cref="HardeningSettings"/> is what the app uses.
/// </summary>
public sealed class HardeningOptions
{
    /// <summary>The section the options are bound from.</summary>
    public const string Section = "Hardening";

    /// <summary>HSTS and the https redirect; unset: on outside Development.</summary>
    public bool? RequireHttps { get; set; }

    /// <summary>The port the redirect sends to, 1–65535; unset: the https address Kestrel listens on.</summary>
    public int? HttpsPort { get; set; }

    /// <summary>Trust X-Forwarded-For/-Proto from loopback proxies (or <see cref="KnownProxies"/>); default false.</summary>
    public bool ForwardedHeaders { get; set; }

    /// <summary>The proxies' IP addresses whose forwarded headers are trusted besides loopback.</summary>
    public string[] KnownProxies { get; set; } = [];

    /// <summary>CSP frame-ancestors sources; unset: <see cref="HardeningSettings.NoFraming"/>.</summary>
    public string? FrameAncestors { get; set; }

    /// <summary>The largest request body in bytes, at least 1; default 1 MB.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024L * 1024;
}

/// <summary>Refuses hardening settings that cannot work, naming every one and what is allowed.</summary>
public sealed class ValidateHardeningOptions : IValidateOptions<HardeningOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, HardeningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        if (options.HttpsPort is { } port && port is < 1 or > 65535)
        {
            problems.Add($"Hardening:HttpsPort is {port}; it must be a port from 1 to 65535, or unset for the https address the dashboard listens on.");
        }

        if (options.MaxRequestBodyBytes < 1)
        {
            problems.Add($"Hardening:MaxRequestBodyBytes is {options.MaxRequestBodyBytes}; it must be at least 1 (default 1048576, 1 MB).");
        }

        foreach (var proxy in options.KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            problems.Add($"Hardening:KnownProxies has '{proxy}', which is not an IP address: list the proxies' addresses (e.g. 10.0.0.5).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

/// <summary>The hardening the app applies (from validated <see cref="HardeningOptions"/>).</summary>
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

    /// <summary>The proxies trusted besides loopback.</summary>
    public IReadOnlyList<IPAddress> KnownProxies { get; init; } = [];

    /// <summary>The settings of validated options; the defaults depend on the environment only for <see cref="RequireHttps"/>.</summary>
    public static HardeningSettings From(HardeningOptions options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        return new HardeningSettings(
            options.RequireHttps ?? !environment.IsDevelopment(),
            options.HttpsPort,
            options.ForwardedHeaders,
            string.IsNullOrWhiteSpace(options.FrameAncestors) ? NoFraming : options.FrameAncestors.Trim(),
            options.MaxRequestBodyBytes)
        {
            KnownProxies = [.. options.KnownProxies.Select(IPAddress.Parse)],
        };
    }
}
