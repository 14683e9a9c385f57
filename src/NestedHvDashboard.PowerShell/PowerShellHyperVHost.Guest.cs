using System.Management.Automation;
using NestedHvDashboard.Core.Guests;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.PowerShell;

/// <summary>Running a script inside a guest over PowerShell Direct (Invoke-Command -VMId) and reading what the guest has.</summary>
public sealed partial class PowerShellHyperVHost
{
    private async Task<GuestNetworkState> ReadGuestAsync(Guid vmId, string vmName, GuestCredential credential, CancellationToken cancellationToken)
    {
        var rows = await RunInGuestAsync(HostScript.GuestNetwork, vmId, vmName, credential, "Invoke-Command -VMId (Get-VMSwitch; Get-NetNat; Get-NetIPAddress; Hyper-V feature state)", [], cancellationToken).ConfigureAwait(false);
        return ReadGuestState(rows);
    }

    internal static GuestNetworkState ReadGuestState(IEnumerable<PSObject> rows)
    {
        var switches = new List<(string Name, string Type)>();
        var nats = new List<GuestNat>();
        var addresses = new List<GuestIPAddress>();
        GuestOs? os = null;
        GuestSecurity? security = null;
        foreach (var row in rows)
        {
            switch (HostRows.KindOf(row))
            {
                case "GuestOs":
                    os = new GuestOs(
                        HostRows.Text(row, "Caption"),
                        HostRows.Text(row, "Version"),
                        HostRows.Boolean(row, "IsServer"),
                        Enum.TryParse<GuestHyperVState>(HostRows.Text(row, "HyperV"), out var hyperV) ? hyperV : GuestHyperVState.NotInstalled);
                    break;
                case "GuestSecurity":
                    security = ReadGuestSecurity(row);
                    break;
                case "Switch":
                    switches.Add((HostRows.Text(row, "Name"), HostRows.Text(row, "SwitchType")));
                    break;
                case "Nat":
                    nats.Add(new GuestNat(HostRows.Text(row, "Name"), HostRows.OptionalText(row, "InternalIPInterfaceAddressPrefix")));
                    break;
                case "Address":
                    addresses.Add(new GuestIPAddress(HostRows.Text(row, "IPAddress"), HostRows.Int32(row, "PrefixLength"), HostRows.Text(row, "InterfaceAlias")));
                    break;
                default:
                    break;
            }
        }

        return new GuestNetworkState([.. switches.Select(s => s.Name)], nats, addresses)
        {
            InternalSwitchNames = [.. switches.Where(s => string.Equals(s.Type, "Internal", StringComparison.OrdinalIgnoreCase)).Select(s => s.Name)],
            Os = os,
            Security = security,
        };
    }

    /// <summary>The GuestSecurity row: Win32_DeviceGuard's numbers (VbsStatus empty when the class could not be read) and bcdedit's launch type.</summary>
    internal static GuestSecurity ReadGuestSecurity(PSObject row)
    {
        static int[] Numbers(string text) =>
            [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => int.TryParse(n, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1)];
        int? vbs = HostRows.OptionalText(row, "VbsStatus") is { } text && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var status) ? status : null;
        return GuestSecurity.From(vbs, Numbers(HostRows.Text(row, "ServicesConfigured")), Numbers(HostRows.Text(row, "ServicesRunning")), HostRows.OptionalText(row, "LaunchType"));
    }

    private async Task<IReadOnlyList<PSObject>> RunInGuestAsync(
        HostScript script, Guid vmId, string vmName, GuestCredential credential, string operation, Dictionary<string, object?> parameters, CancellationToken cancellationToken, TimeSpan? limit = null)
    {
        parameters["VMId"] = vmId;
        parameters["Credential"] = ToPSCredential(credential, vmName, operation);
        return await Session.InvokeAsync(new HostCommand(script, parameters, operation, vmName) { Limit = limit }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The credential as PowerShell takes it: a parameter value, never text.</summary>
    private PSCredential ToPSCredential(GuestCredential credential, string vmName, string operation)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (string.IsNullOrWhiteSpace(credential.UserName))
        {
            throw new HostOperationException(HostErrorKind.GuestAuthenticationFailed, Name, operation, "No guest user name was given.", vmName);
        }

        var password = new System.Security.SecureString();
        foreach (var c in credential.Password ?? "")
        {
            password.AppendChar(c);
        }

        password.MakeReadOnly();
        return new PSCredential(credential.UserName, password);
    }

    private async Task<string> VmNameAsync(Guid vmId, CancellationToken cancellationToken) =>
        _vmNames.TryGetValue(vmId, out var name) ? name : (await GetVmAsync(vmId, cancellationToken).ConfigureAwait(false)).Name;
}
