using System.Globalization;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>One problem with one field of a <see cref="HostForm"/>; the message names the field.</summary>
/// <param name="Field">The form property (e.g. <c>Port</c>); empty for a problem with the whole host.</param>
/// <param name="Message">What is wrong, in the user's words.</param>
public sealed record HostFieldError(string Field, string Message);

/// <summary>What a host connection must be before it is saved or tried.</summary>
public static class HostFormRules
{
    /// <summary>The longest timeout a host may have.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The longest endpoint name accepted.</summary>
    public const int MaxEndpointLength = 128;

    /// <summary>The most commands at once a host may be given.</summary>
    public const int MaxConcurrencyLimit = 32;

    /// <summary>Every problem with the form, in field order; empty when it can be saved.</summary>
    /// <param name="form">The form.</param>
    /// <param name="otherNames">The names of the other hosts (the one being edited left out); null skips the uniqueness check.</param>
    public static IReadOnlyList<HostFieldError> Validate(HostForm form, IEnumerable<string>? otherNames)
    {
        ArgumentNullException.ThrowIfNull(form);
        var errors = new List<HostFieldError>();
        void Add(string field, string message) => errors.Add(new HostFieldError(field, message));

        if (string.IsNullOrWhiteSpace(form.Name))
        {
            Add(nameof(HostForm.Name), "Name is required.");
        }
        else if (form.Name != form.Name.Trim())
        {
            Add(nameof(HostForm.Name), "Name must not start or end with a space.");
        }
        else if (UnprintableIn(form.Name) is { } bad)
        {
            Add(nameof(HostForm.Name), $"Name must not contain {bad}; a host name is printable text.");
        }
        else if (otherNames?.Contains(form.Name, StringComparer.OrdinalIgnoreCase) == true)
        {
            Add(nameof(HostForm.Name), $"Name '{form.Name}' is already used by another host.");
        }

        foreach (var tag in form.TagList())
        {
            if (UnprintableIn(tag) is { } badInTag)
            {
                Add(nameof(HostForm.Tags), $"Tags must not contain {badInTag}; a tag is printable text.");
                break;
            }
        }

        var address = form.Address?.Trim() ?? "";
        if (address.Length == 0)
        {
            Add(nameof(HostForm.Address), "Address is required.");
        }
        else if (address.Contains("://", StringComparison.Ordinal))
        {
            Add(nameof(HostForm.Address), $"Address '{address}' must be a host name or IP address without a scheme such as https:// (set HTTPS and Port instead).");
        }
        else if (Uri.CheckHostName(address) == UriHostNameType.Unknown)
        {
            Add(nameof(HostForm.Address), $"Address '{address}' is not a host name or IP address (no spaces, port or path).");
        }

        if (form.Transport is not (HostTransport.WinRm or HostTransport.Ssh))
        {
            Add(nameof(HostForm.Transport), "Transport must be WinRM or SSH.");
        }

        if (form.Port is < 1 or > 65535)
        {
            Add(nameof(HostForm.Port), $"Port must be between 1 and 65535 (or empty for the default); {form.Port} is not.");
        }

        if (form.Transport == HostTransport.Ssh)
        {
            if (!string.IsNullOrEmpty(form.Password))
            {
                Add(nameof(HostForm.Password), "Password is not used by SSH: it signs in with the key file; leave Password empty.");
            }

            if (form.UseHttps)
            {
                Add(nameof(HostForm.UseHttps), "HTTPS is for WinRM only; SSH is always encrypted.");
            }

            if (form.Authentication != WinRmAuthentication.Default)
            {
                Add(nameof(HostForm.Authentication), "Authentication is for WinRM only; SSH signs in with the key file.");
            }

            if (form.SkipCertificateChecks)
            {
                Add(nameof(HostForm.SkipCertificateChecks), "Skip certificate checks is for WinRM over HTTPS only.");
            }

            if (!string.IsNullOrWhiteSpace(form.ConfigurationName))
            {
                Add(nameof(HostForm.ConfigurationName), "Endpoint is for WinRM only: SSH runs sshd's 'powershell' subsystem; leave Endpoint empty.");
            }
        }
        else if (form.Transport == HostTransport.WinRm)
        {
            if (!string.IsNullOrEmpty(form.Password) && string.IsNullOrWhiteSpace(form.UserName))
            {
                Add(nameof(HostForm.UserName), "User name is required with a password.");
            }

            if (form.SkipCertificateChecks && !form.UseHttps)
            {
                Add(nameof(HostForm.SkipCertificateChecks), "Skip certificate checks needs HTTPS.");
            }

            if (EndpointProblem(form.ConfigurationName) is { } endpointProblem)
            {
                Add(nameof(HostForm.ConfigurationName), endpointProblem);
            }
        }

        if (form.TimeoutSeconds < 1 || TimeSpan.FromSeconds(form.TimeoutSeconds) > MaxTimeout)
        {
            Add(nameof(HostForm.TimeoutSeconds), $"Timeout must be between 1 second and {MaxTimeout.TotalMinutes:0} minutes; {form.TimeoutSeconds} s is not.");
        }

        if (form.MaxConcurrency is < 1 or > MaxConcurrencyLimit)
        {
            Add(nameof(HostForm.MaxConcurrency), $"Max concurrency must be between 1 and {MaxConcurrencyLimit}; {form.MaxConcurrency} is not.");
        }

        return errors;
    }

    /// <summary>
    /// A WinRM endpoint is named by its session configuration name (Register-PSSessionConfiguration -Name): letters, digits,
    /// dots, hyphens and underscores, starting with a letter or digit, as in Microsoft.PowerShell or PowerShell.7.
    /// </summary>
    private static string? EndpointProblem(string? name)
    {
        var endpoint = name?.Trim() ?? "";
        if (endpoint.Length == 0)
        {
            return null;
        }

        if (endpoint.Contains("://", StringComparison.Ordinal) || endpoint.Contains('/', StringComparison.Ordinal))
        {
            return $"Endpoint '{endpoint}' must be the endpoint's name, e.g. PowerShell.7, not its URI.";
        }

        return endpoint.Length > MaxEndpointLength || !char.IsAsciiLetterOrDigit(endpoint[0]) || !endpoint.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_')
            ? $"Endpoint '{endpoint}' is not an endpoint name: up to {MaxEndpointLength} letters, digits, dots, hyphens and underscores, starting with a letter or digit (e.g. Microsoft.PowerShell, PowerShell.7, or a JEA endpoint's name)."
            : null;
    }

    /// <summary>
    /// The first character that is not printable text, in words (e.g. "U+202E (a format character)"), or null.
    /// Control characters (NUL, line breaks), format characters (bidirectional overrides such as U+202E, zero-width
    /// characters), line and paragraph separators, lone surrogates and unassigned code points: each makes a name
    /// that reads differently from what it is, or that a URL or a log line cannot carry.
    /// </summary>
    public static string? UnprintableIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i += char.IsSurrogatePair(text, i) ? 2 : 1)
        {
            // GetUnicodeCategory(string, index) reads a surrogate pair as one code point; a lone half is Surrogate.
            if (KindOf(CharUnicodeInfo.GetUnicodeCategory(text, i)) is { } kind)
            {
                var codePoint = char.IsSurrogatePair(text, i) ? char.ConvertToUtf32(text, i) : text[i];
                return string.Create(CultureInfo.InvariantCulture, $"U+{codePoint:X4} ({kind})");
            }
        }

        return null;
    }

    private static string? KindOf(UnicodeCategory category) => category switch
    {
        UnicodeCategory.Control => "a control character",
        UnicodeCategory.Format => "a format character such as a bidirectional override",
        UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => "a line or paragraph separator",
        UnicodeCategory.Surrogate => "a lone surrogate",
        UnicodeCategory.OtherNotAssigned => "an unassigned character",
        _ => null,
    };
}
