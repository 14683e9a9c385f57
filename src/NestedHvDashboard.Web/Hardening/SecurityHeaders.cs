namespace NestedHvDashboard.Web.Hardening;

/// <summary>
/// Adds the browser-side protections to every response: a Content-Security-Policy that allows only this site's
/// scripts, styles, images, fonts and connections; no framing (unless <c>Hardening:FrameAncestors</c> names who may);
/// no MIME sniffing; no referrer; no powerful browser features.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next, HardeningSettings settings)
{
    /// <summary>The policy's sources. 'unsafe-inline' styles: MudBlazor and Blazor set style attributes on elements.</summary>
    public const string ContentSecurityPolicyBase =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; base-uri 'self'; form-action 'self'; object-src 'none'";

    private readonly string _policy = $"{ContentSecurityPolicyBase}; frame-ancestors {settings.FrameAncestors}";

    /// <summary>Sets the headers, then runs the rest of the pipeline.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = _policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";

        // X-Frame-Options only knows DENY or SAMEORIGIN: it stays away when an operator lets other sites frame the wall.
        if (settings.FrameAncestors == HardeningSettings.NoFraming)
        {
            headers.XFrameOptions = "DENY";
        }

        return next(context);
    }
}
