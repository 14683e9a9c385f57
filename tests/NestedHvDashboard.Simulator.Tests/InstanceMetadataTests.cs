using System.Management.Automation;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

/// <summary>
/// The metadata answers come from the simulator's own cmdlet, called by its own name so that no
/// test can ever reach the real Invoke-RestMethod (and the network); that the engine's
/// Invoke-RestMethod resolves to it is checked on its own, without calling it.
/// </summary>
public sealed class InstanceMetadataTests
{
    private static readonly string ImdsBase = "http://" + string.Join('.', 169, 254, 169, 254);
    private static readonly string ComputeUri = ImdsBase + "/metadata/instance/compute?api-version=2021-02-01";

    private static string Query(string uri, bool header = true) =>
        $"Invoke-SimulatedRestMethod -Uri '{uri}'" + (header ? " -Headers @{Metadata='true'} -NoProxy -TimeoutSec 2" : string.Empty);

    [Theory]
    [InlineData("TrustedLaunch")]
    [InlineData("ConfidentialVM")]
    [InlineData("Standard")]
    [InlineData("")]
    public void Azure_host_answers_compute_security_type_from_the_scenario(string securityType)
    {
        var host = new SimulatedHost("AZ1", LabScenarios.Ws2025AzureProfile(securityType));
        using var session = new SimulatorSession(host);

        var compute = session.Run(Query(ComputeUri)).Succeeded().Output.Single();

        Assert.Equal(securityType, ((PSObject)compute.Properties["securityProfile"].Value).Properties["securityType"].Value);
        Assert.Equal("AZ1", compute.Properties["name"].Value);
        var full = session.Run($"({Query(ImdsBase + "/metadata/instance?api-version=2021-02-01")}).compute.securityProfile.securityType").Succeeded();
        Assert.Equal(securityType, full.Output.Single().BaseObject);
    }

    [Fact]
    public void Azure_host_requires_the_metadata_header_like_imds()
    {
        using var session = new SimulatorSession(new SimulatedHost("AZ1", LabScenarios.Ws2025AzureProfile()));
        var result = session.Run(Query(ComputeUri, header: false));
        Assert.Contains("Required metadata header", result.OnlyError.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_azure_host_times_out()
    {
        using var session = new SimulatorSession(TestHosts.Create());
        var result = session.Run(Query(ComputeUri));
        var record = result.OnlyError;
        Assert.Equal(ErrorCategory.OperationTimeout, record.CategoryInfo.Category);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/")]
    [InlineData("http://[::1]:1/subscriptions")]
    [InlineData("/metadata/identity/oauth2/token?api-version=2018-02-01")]
    public void Any_other_uri_is_refused_without_a_connection(string uri)
    {
        using var session = new SimulatorSession(new SimulatedHost("AZ1", LabScenarios.Ws2025AzureProfile()));
        var target = uri.StartsWith('/') ? ImdsBase + uri : uri;
        var result = session.Run("param($u) Invoke-SimulatedRestMethod -Uri $u -Headers @{Metadata='true'}", new System.Collections.Hashtable { ["u"] = target });
        var record = result.OnlyError;
        Assert.Equal(ErrorCategory.NotImplemented, record.CategoryInfo.Category);
    }

    [Fact]
    public void The_alias_points_at_the_simulator()
    {
        using var session = new SimulatorSession(TestHosts.Create());
        var command = session.Run("Get-Command Invoke-RestMethod").Succeeded().Output.Single().BaseObject;
        var alias = Assert.IsType<AliasInfo>(command);
        Assert.Equal("Invoke-SimulatedRestMethod", alias.ResolvedCommand.Name);
    }
}
