using System.Management.Automation;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// The simulated <c>bcdedit</c> (the module's bcdedit function calls this with its arguments): <c>/enum [{current}]</c> writes
/// the current boot entry as bcdedit prints it, with hypervisorlaunchtype when it is set; <c>/set [{current}] hypervisorlaunchtype
/// auto|off</c> changes it. A boot store the profile denies answers as bcdedit does for a non-elevated account. Each result
/// ends with an <c>ExitCode=</c> line the function turns into $LASTEXITCODE.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SimulatedBcdEdit")]
[OutputType(typeof(string))]
public sealed class InvokeSimulatedBcdEditCommand : SimulatorCmdlet
{
    /// <summary>The exit code line's prefix.</summary>
    public const string ExitCodePrefix = "ExitCode=";

    [Parameter(ValueFromRemainingArguments = true)]
    public string[] Arguments { get; set; } = [];

    protected override void ProcessRecord()
    {
        var words = Arguments.Where(a => !string.IsNullOrWhiteSpace(a)).ToList();
        var (denied, hyperV, guard) = Sim.Read(h => (h.Profile.DeviceGuard.BootStoreDenied, h.HyperVInstalled, h.Profile.DeviceGuard.Clone()));
        if (denied)
        {
            Finish(1, "The boot configuration data store could not be opened.", "Access is denied.");
            return;
        }

        var verb = words.Count == 0 ? "/enum" : words[0].ToLowerInvariant();
        if (verb == "/enum" && (words.Count <= 1 || (words.Count == 2 && IsCurrent(words[1]))))
        {
            var launchType = guard.HypervisorLaunchType ?? (hyperV ? "Auto" : null);
            var lines = new List<string>
            {
                "",
                "Windows Boot Loader",
                "-------------------",
                "identifier              {current}",
                "device                  partition=C:",
                @"path                    \Windows\system32\winload.efi",
                "description             Windows Server",
                "locale                  en-US",
                "inherit                 {bootloadersettings}",
                "recoverysequence        {4c8e1a2b-6f0d-11ef-9c1e-00155d000000}",
                "displaymessageoverride  Recovery",
                "recoveryenabled         Yes",
                "isolatedcontext         Yes",
                "allowedinmemorysettings 0x15000075",
                "osdevice                partition=C:",
                @"systemroot              \Windows",
                "resumeobject            {4c8e1a2a-6f0d-11ef-9c1e-00155d000000}",
                "nx                      OptOut",
            };
            if (launchType is not null)
            {
                lines.Add($"hypervisorlaunchtype    {launchType}");
            }

            Finish(0, [.. lines]);
            return;
        }

        var target = words.Count >= 2 && IsCurrent(words[1]) ? 2 : 1;
        if (verb == "/set" && words.Count == target + 2 && string.Equals(words[target], "hypervisorlaunchtype", StringComparison.OrdinalIgnoreCase)
            && words[target + 1].ToLowerInvariant() is "auto" or "off")
        {
            var value = words[target + 1].Equals("auto", StringComparison.OrdinalIgnoreCase) ? "Auto" : "Off";
            Sim.Update(h => h.Profile.DeviceGuard.HypervisorLaunchType = value);
            Finish(0, "The operation completed successfully.");
            return;
        }

        Finish(1, "The parameter is incorrect.", "Run \"bcdedit /?\" for command line assistance.");
    }

    private static bool IsCurrent(string word) => string.Equals(word, "{current}", StringComparison.OrdinalIgnoreCase);

    private void Finish(int exitCode, params string[] lines)
    {
        foreach (var line in lines)
        {
            WriteObject(line);
        }

        WriteObject(ExitCodePrefix + exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
