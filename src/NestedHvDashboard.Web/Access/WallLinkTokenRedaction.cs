using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// Cuts wall link tokens out of log events: a request to <c>/wall/link/{token}</c> carries its path in every event it
/// logs (the RequestPath scope), and a log must not hand out a working link. The first 8 characters stay, as on the admin page.
/// </summary>
public sealed partial class WallLinkTokenRedaction : ILogEventEnricher
{
    /// <inheritdoc />
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        foreach (var (name, value) in logEvent.Properties.ToList())
        {
            if (value is ScalarValue { Value: string text } && text.Contains(WallLinks.PathPrefix, StringComparison.OrdinalIgnoreCase))
            {
                logEvent.AddOrUpdateProperty(new LogEventProperty(name, new ScalarValue(Redact(text))));
            }
        }
    }

    /// <summary>The text with every <c>/wall/link/&lt;token&gt;</c> shortened to the token's first 8 characters and "…".</summary>
    public static string Redact(string text) => LinkToken().Replace(text, "$1…");

    [GeneratedRegex(@"(/wall/link/[A-Za-z0-9_-]{0,8})[A-Za-z0-9_\-%=]*", RegexOptions.IgnoreCase)]
    private static partial Regex LinkToken();
}
