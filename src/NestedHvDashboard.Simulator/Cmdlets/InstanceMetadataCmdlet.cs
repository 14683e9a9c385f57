using System.Collections;
using System.Management.Automation;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Cmdlets;

/// <summary>
/// Stands in for Invoke-RestMethod (the module exports it under that alias). It answers only the
/// Azure instance-metadata service, from the scenario, and never opens a socket.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "SimulatedRestMethod")]
[OutputType(typeof(PSObject))]
public sealed class InvokeSimulatedRestMethodCommand : SimulatorCmdlet
{
    private const string MetadataAddress = "169.254.169.254";
    private const string InstancePath = "/metadata/instance";

    [Parameter(Position = 0, Mandatory = true)]
    [ValidateNotNull]
    public Uri? Uri { get; set; }

    [Parameter]
    public string Method { get; set; } = "Get";

    [Parameter]
    public IDictionary? Headers { get; set; }

    [Parameter]
    public SwitchParameter NoProxy { get; set; }

    [Parameter]
    public SwitchParameter UseBasicParsing { get; set; }

    /// <summary>A WebRequestSession (typed loosely: the simulator does not load the web cmdlets' assembly); Windows PowerShell 5.1 has no -NoProxy, so the engine asks without a proxy through one.</summary>
    [Parameter]
    public object? WebSession { get; set; }

    [Parameter]
    public int TimeoutSec { get; set; }

    [Parameter]
    public object? Body { get; set; }

    [Parameter]
    public string? ContentType { get; set; }

    [Parameter]
    public string? UserAgent { get; set; }

    protected override void ProcessRecord()
    {
        var uri = Uri!;
        if (!uri.IsAbsoluteUri || uri.Host != MetadataAddress || !uri.AbsolutePath.StartsWith(InstancePath, StringComparison.Ordinal))
        {
            ThrowTerminatingError(new ErrorRecord(
                new NotSupportedException($"The Hyper-V simulator answers only the Azure instance-metadata service (http://{MetadataAddress}{InstancePath}); it never opens a network connection, so '{uri}' was not requested."),
                "SimulatorNoNetwork,Microsoft.PowerShell.Commands.InvokeRestMethodCommand",
                ErrorCategory.NotImplemented,
                uri));
        }

        var profile = Sim.Read(h => (h.Name, Profile: h.Profile.Clone()));
        if (!profile.Profile.IsAzureVm)
        {
            // Off Azure the link-local address answers nobody: the real call times out.
            var message = TimeoutSec > 0
                ? $"The request was canceled due to the configured HttpClient.Timeout of {TimeoutSec} seconds elapsing."
                : $"A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond. ({MetadataAddress}:80)";
            ThrowTerminatingError(new ErrorRecord(
                new TimeoutException(message),
                "System.Threading.Tasks.TaskCanceledException,Microsoft.PowerShell.Commands.InvokeRestMethodCommand",
                ErrorCategory.OperationTimeout,
                uri));
        }

        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        if (!HasMetadataHeader())
        {
            BadRequest("Required metadata header not specified", uri);
        }

        if (string.IsNullOrEmpty(query["api-version"]))
        {
            BadRequest("api-version was not specified in the request. For more information refer to aka.ms/azureimds", uri);
        }

        object? node = Document(profile.Name, profile.Profile);
        foreach (var segment in uri.AbsolutePath[InstancePath.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node switch
            {
                Dictionary<string, object?> map when map.TryGetValue(segment, out var child) => child,
                object?[] list when int.TryParse(segment, out var index) && index >= 0 && index < list.Length => list[index],
                _ => null,
            };
            if (node is null)
            {
                ThrowTerminatingError(new ErrorRecord(
                    new InvalidOperationException("{ \"error\": \"Not found\" }"),
                    "WebCmdletWebResponseException,Microsoft.PowerShell.Commands.InvokeRestMethodCommand",
                    ErrorCategory.InvalidOperation,
                    uri));
            }
        }

        WriteObject(string.Equals(query["format"], "text", StringComparison.OrdinalIgnoreCase) && node is string text ? text : ToPSObject(node));
    }

    private bool HasMetadataHeader()
    {
        foreach (DictionaryEntry entry in Headers ?? new Hashtable())
        {
            if (string.Equals(entry.Key.ToString(), "Metadata", StringComparison.OrdinalIgnoreCase) &&
                string.Equals(LanguagePrimitives.ConvertTo<string>(entry.Value), "true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private void BadRequest(string reason, Uri uri) => ThrowTerminatingError(new ErrorRecord(
        new InvalidOperationException($"{{\"error\":\"Bad request. {reason}\"}}"),
        "WebCmdletWebResponseException,Microsoft.PowerShell.Commands.InvokeRestMethodCommand",
        ErrorCategory.InvalidOperation,
        uri));

    /// <summary>The IMDS "instance" document (the JSON shape the real service returns), from the scenario.</summary>
    private static Dictionary<string, object?> Document(string hostName, HostProfile p)
    {
        var trusted = p.AzureSecurityType is "TrustedLaunch" or "ConfidentialVM";
        var compute = new Dictionary<string, object?>
        {
            ["azEnvironment"] = "AzurePublicCloud",
            ["location"] = p.AzureLocation ?? "westeurope",
            ["name"] = hostName,
            ["osType"] = "Windows",
            ["offer"] = "WindowsServer",
            ["publisher"] = "MicrosoftWindowsServer",
            ["sku"] = "2025-datacenter-azure-edition",
            ["vmId"] = p.AzureVmId.ToString(),
            ["vmSize"] = p.AzureVmSize ?? "Standard_D8s_v5",
            ["resourceGroupName"] = "rg-nested-lab",
            ["tags"] = "",
            ["securityProfile"] = new Dictionary<string, object?>
            {
                ["secureBootEnabled"] = trusted ? "true" : "false",
                ["virtualTpmEnabled"] = trusted ? "true" : "false",
                ["encryptionAtHost"] = "false",
                ["securityType"] = p.AzureSecurityType ?? "",
            },
        };
        return new Dictionary<string, object?>
        {
            ["compute"] = compute,
            ["network"] = new Dictionary<string, object?>
            {
                ["interface"] = new object?[]
                {
                    new Dictionary<string, object?>
                    {
                        ["ipv4"] = new Dictionary<string, object?>
                        {
                            ["ipAddress"] = new object?[] { new Dictionary<string, object?> { ["privateIpAddress"] = "10.0.0.4", ["publicIpAddress"] = "" } },
                            ["subnet"] = new object?[] { new Dictionary<string, object?> { ["address"] = "10.0.0.0", ["prefix"] = "24" } },
                        },
                        ["macAddress"] = "000D3A000001",
                    },
                },
            },
        };
    }

    /// <summary>Converts like ConvertFrom-Json: objects become PSCustomObjects, arrays object[].</summary>
    private static object? ToPSObject(object? node) => node switch
    {
        Dictionary<string, object?> map => ToCustomObject(map),
        object?[] list => list.Select(ToPSObject).ToArray(),
        _ => node,
    };

    private static PSObject ToCustomObject(Dictionary<string, object?> map)
    {
        var result = new PSObject();
        foreach (var (key, value) in map)
        {
            result.Properties.Add(new PSNoteProperty(key, ToPSObject(value)));
        }

        return result;
    }
}
