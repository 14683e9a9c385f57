using System.Management.Automation;
using NestedHvDashboard.Simulator.Scenarios;
using NestedHvDashboard.Simulator.State;

namespace NestedHvDashboard.Simulator.Tests;

public sealed class InstanceMetadataTests
{
    private const string Query = "Invoke-RestMethod -Uri 'http://169.254.169.254/metadata/instance/compute?api-version=2021-02-01' -Headers @{Metadata='true'} -NoProxy -TimeoutSec 2";

    [Theory]
    [InlineData("TrustedLaunch")]
    [InlineData("ConfidentialVM")]
    [InlineData("Standard")]
    [InlineData("")]
    public void Azure_host_answers_compute_security_type_from_the_scenario(string securityType)
    {
        var host = new SimulatedHost("AZ1", LabScenarios.Ws2025AzureProfile(securityType));
        using var session = new SimulatorSession(host);

        var compute = session.Run(Query).Succeeded().Output.Single();

        Assert.Equal(securityType, ((PSObject)compute.Properties["securityProfile"].Value).Properties["securityType"].Value);
        Assert.Equal("AZ1", compute.Properties["name"].Value);
        var full = session.Run("(Invoke-RestMethod -Uri 'http://169.254.169.254/metadata/instance?api-version=2021-02-01' -Headers @{Metadata='true'}).compute.securityProfile.securityType").Succeeded();
        Assert.Equal(securityType, full.Output.Single().BaseObject);
    }

    [Fact]
    public void Azure_host_requires_the_metadata_header_like_imds()
    {
        using var session = new SimulatorSession(new SimulatedHost("AZ1", LabScenarios.Ws2025AzureProfile()));
        var result = session.Run("Invoke-RestMethod -Uri 'http://169.254.169.254/metadata/instance/compute?api-version=2021-02-01'");
        Assert.Contains("Required metadata header", result.OnlyError.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_azure_host_times_out()
    {
        using var session = new SimulatorSession(TestHosts.Create());
        var result = session.Run(Query);
        var record = result.OnlyError;
        Assert.Equal(ErrorCategory.OperationTimeout, record.CategoryInfo.Category);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1/")]
    [InlineData("https://management.azure.com/subscriptions")]
    [InlineData("http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01")]
    public void Any_other_uri_is_refused_without_a_connection(string uri)
    {
        using var session = new SimulatorSession(new SimulatedHost("AZ1", LabScenarios.Ws2025AzureProfile()));
        var result = session.Run("param($u) Invoke-RestMethod -Uri $u -Headers @{Metadata='true'}", new System.Collections.Hashtable { ["u"] = uri });
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
