using System.Globalization;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.PowerShell.Checks;

/// <summary>
/// The check-host verb: <c>check-host &lt;host&gt; [options]</c>. The host's saved settings (when the caller can find
/// them) with command-line options on top, or the command line alone; prints the table (or JSON with --json) and
/// returns 0 when every step passed, 1 when one failed, 2 when the command line is wrong.
/// </summary>
public static class HostCheckCommand
{
    /// <summary>The verb, the first argument.</summary>
    public const string Verb = "check-host";

    /// <summary>Where a guest password is read from unless --guest-password-env names another variable.</summary>
    public const string GuestPasswordVariable = "NESTEDHV_GUEST_PASSWORD";

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: check-host <host> [--DataFolder <folder>] [--address <name or IP>] [--transport ssh|winrm] [--port <n>]
                          [--user <name>] [--key-file <file>] [--known-hosts <file>] [--https] [--skip-certificate-checks]
                          [--authentication Default|Negotiate|Kerberos|CredSsp] [--password-env <variable>]
                          [--timeout <seconds>] [--max-concurrency <n>] [--watch-interval <seconds>]
                          [--guest-vm <VM name> --guest-user <user> [--guest-password-env <variable>]]
                          [--scratch-vm [--scratch-switch <switch>] [--scratch-name <name>]] [--json]
        The host's saved settings come from the dashboard's database in the data folder; options override them.
        Passwords are read from environment variables (default NESTEDHV_GUEST_PASSWORD for the guest), never from the command line.
        """;

    private static readonly HashSet<string> Flags = new(StringComparer.OrdinalIgnoreCase) { "--json", "--scratch-vm", "--https", "--skip-certificate-checks" };

    /// <summary>True when <paramref name="args"/> ask for check-host.</summary>
    public static bool Matches(IReadOnlyList<string> args) => args is { Count: > 0 } && string.Equals(args[0], Verb, StringComparison.OrdinalIgnoreCase);

    /// <summary>The value of --DataFolder, if given, so the caller can open the dashboard's database.</summary>
    public static string? DataFolderOf(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count - 1; i++)
        {
            if (string.Equals(args[i], "--DataFolder", StringComparison.OrdinalIgnoreCase))
            {
                return args[i + 1];
            }
        }

        return null;
    }

    /// <summary>Runs the check as <paramref name="args"/> say (the verb first) and writes the report to <paramref name="output"/>.</summary>
    /// <param name="args">The verb, the host's name, then options.</param>
    /// <param name="output">Where the table or the JSON goes.</param>
    /// <param name="savedHost">The host's saved settings by name, or null when it has none (or there is no database); awaited once the command line is read.</param>
    /// <param name="environment">Reads an environment variable (passwords); default: the process's.</param>
    /// <param name="configure">A test seam: adjusts the options (e.g. a step observer).</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        TextWriter output,
        Func<string, CancellationToken, Task<HostConnectionSettings?>>? savedHost = null,
        Func<string, string?>? environment = null,
        Func<HostCheckOptions, HostCheckOptions>? configure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        environment ??= Environment.GetEnvironmentVariable;
        HostConnectionSettings settings;
        HostCheckOptions options;
        bool json;
        try
        {
            var (name, values, flags) = Split(args);
            var saved = savedHost is null ? null : await savedHost(name, cancellationToken).ConfigureAwait(false);
            (settings, options, json) = Parse(name, values, flags, saved, environment);
        }
        catch (ArgumentException ex)
        {
            await output.WriteLineAsync($"check-host: {ex.Message}").ConfigureAwait(false);
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        options = configure?.Invoke(options) ?? options;
        await using var host = (PowerShellHyperVHost)HyperVHostFactory.Create(settings);
        var report = await HostCheck.RunAsync(host, settings, options, cancellationToken).ConfigureAwait(false);
        await output.WriteAsync(json ? report.ToJson() + Environment.NewLine : report.ToTable()).ConfigureAwait(false);
        return report.ExitCode;
    }

    // The host's name, the options with values and the flags; a wrong command line throws before any saved host is looked up.
    private static (string Name, Dictionary<string, string> Values, HashSet<string> Flags) Split(IReadOnlyList<string> args)
    {
        if (args.Count < 2 || args[1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException("Name the host to check.");
        }

        var name = args[1];
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var flags = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 2; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }

            if (Flags.Contains(arg))
            {
                flags.Add(arg);
            }
            else if (i + 1 < args.Count)
            {
                values[arg] = args[++i];
            }
            else
            {
                throw new ArgumentException($"The option {arg} needs a value.");
            }
        }

        return (name, values, flags);
    }

    private static (HostConnectionSettings Settings, HostCheckOptions Options, bool Json) Parse(
        string name, Dictionary<string, string> values, HashSet<string> flags, HostConnectionSettings? saved, Func<string, string?> environment)
    {
        if (saved is null && !values.ContainsKey("--address"))
        {
            throw new ArgumentException($"There is no saved host named '{name}' in the dashboard's data folder; give its settings (--address, --transport, ...) on the command line.");
        }

        var settings = Settings(saved ?? new HostConnectionSettings { Name = name, Address = values["--address"] }, values, flags, environment);
        if (settings.Transport is HostTransport.InProcess)
        {
            throw new ArgumentException($"Host '{name}' is a simulated host inside the dashboard; check-host checks hosts reached over SSH or WinRM.");
        }

        GuestCredential? guest = null;
        if (values.TryGetValue("--guest-user", out var guestUser))
        {
            var variable = values.GetValueOrDefault("--guest-password-env", GuestPasswordVariable);
            guest = new GuestCredential(guestUser, environment(variable) ?? throw new ArgumentException($"The guest password is read from the environment variable {variable}, which is not set."));
        }

        if (values.ContainsKey("--guest-vm") && guest is null)
        {
            throw new ArgumentException("--guest-vm needs --guest-user (and the password in an environment variable).");
        }

        var options = new HostCheckOptions
        {
            GuestVmName = values.GetValueOrDefault("--guest-vm"),
            GuestCredential = guest,
            ScratchVm = flags.Contains("--scratch-vm"),
            ScratchSwitch = values.GetValueOrDefault("--scratch-switch"),
            ScratchVmName = values.GetValueOrDefault("--scratch-name"),
            WatchInterval = values.TryGetValue("--watch-interval", out var interval) ? Seconds("--watch-interval", interval) : TimeSpan.FromSeconds(2),
        };
        return (settings, options, flags.Contains("--json"));
    }

    private static HostConnectionSettings Settings(
        HostConnectionSettings start, Dictionary<string, string> values, HashSet<string> flags, Func<string, string?> environment)
    {
        var settings = start;
        foreach (var (option, value) in values)
        {
            settings = option.ToUpperInvariant() switch
            {
                "--ADDRESS" => settings with { Address = value },
                "--TRANSPORT" => settings with { Transport = Parse<HostTransport>(option, value.Equals("winrm", StringComparison.OrdinalIgnoreCase) ? nameof(HostTransport.WinRm) : value) },
                "--PORT" => settings with { Port = Number(option, value) },
                "--USER" => settings with { UserName = value },
                "--KEY-FILE" => settings with { KeyFilePath = value },
                "--KNOWN-HOSTS" => settings with { KnownHostsFile = value },
                "--AUTHENTICATION" => settings with { Authentication = Parse<WinRmAuthentication>(option, value) },
                "--PASSWORD-ENV" => settings with { Password = environment(value) ?? throw new ArgumentException($"The environment variable {value} is not set.") },
                "--TIMEOUT" => settings with { Timeout = Seconds(option, value) },
                "--MAX-CONCURRENCY" => settings with { MaxConcurrency = Number(option, value) },
                "--DATAFOLDER" or "--GUEST-VM" or "--GUEST-USER" or "--GUEST-PASSWORD-ENV" or "--SCRATCH-SWITCH" or "--SCRATCH-NAME" or "--WATCH-INTERVAL" => settings,
                // The dashboard's own configuration keys (e.g. --Database:Provider) are the caller's, for finding saved hosts.
                _ when option.Contains(':', StringComparison.Ordinal) => settings,
                _ => throw new ArgumentException($"Unknown option {option}."),
            };
        }

        return settings with
        {
            UseHttps = settings.UseHttps || flags.Contains("--https"),
            SkipCertificateChecks = settings.SkipCertificateChecks || flags.Contains("--skip-certificate-checks"),
        };
    }

    private static T Parse<T>(string option, string value)
        where T : struct, Enum =>
        Enum.TryParse<T>(value, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed)
            ? parsed
            : throw new ArgumentException($"{option} takes one of {string.Join(", ", Enum.GetNames<T>())}, not '{value}'.");

    private static int Number(string option, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new ArgumentException($"{option} takes a positive whole number, not '{value}'.");

    private static TimeSpan Seconds(string option, string value) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"{option} takes a number of seconds above zero, not '{value}'.");
}
