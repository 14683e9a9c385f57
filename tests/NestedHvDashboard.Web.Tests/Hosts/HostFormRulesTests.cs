using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Web.Hosts;

namespace NestedHvDashboard.Web.Tests.Hosts;

public sealed class HostFormRulesTests
{
    private static HostForm Valid(HostTransport transport = HostTransport.WinRm) => new()
    {
        Name = "hv01",
        Address = "hv01.lab.example",
        Transport = transport,
    };

    public static TheoryData<string, Action<HostForm>, string, string> Broken => new()
    {
        { "name required", f => f.Name = "", nameof(HostForm.Name), "Name is required" },
        { "name blank", f => f.Name = "   ", nameof(HostForm.Name), "Name is required" },
        { "name leading space", f => f.Name = " hv01", nameof(HostForm.Name), "Name must not start or end with a space" },
        { "name trailing space", f => f.Name = "hv01 ", nameof(HostForm.Name), "Name must not start or end with a space" },
        { "name with NUL", f => f.Name = "hv\u000001", nameof(HostForm.Name), "Name must not contain U+0000 (a control character)" },
        { "name with right-to-left override", f => f.Name = "hv\u202E10", nameof(HostForm.Name), "Name must not contain U+202E (a format character" },
        { "name with zero-width space", f => f.Name = "hv\u200B01", nameof(HostForm.Name), "Name must not contain U+200B" },
        { "name with line separator", f => f.Name = "hv\u202801", nameof(HostForm.Name), "Name must not contain U+2028 (a line or paragraph separator)" },
        { "name with lone surrogate", f => f.Name = "hv\uD80001", nameof(HostForm.Name), "Name must not contain U+D800 (a lone surrogate)" },
        { "name with newline", f => f.Name = "hv\n01", nameof(HostForm.Name), "Name must not contain U+000A (a control character)" },
        { "tag with NUL", f => f.Tags = "lab, ra\u0000ck", nameof(HostForm.Tags), "Tags must not contain U+0000 (a control character)" },
        { "tag with right-to-left override", f => f.Tags = "\u202Ebal", nameof(HostForm.Tags), "Tags must not contain U+202E" },
        { "name taken, other case", f => f.Name = "HV-TAKEN", nameof(HostForm.Name), "Name 'HV-TAKEN' is already used" },
        { "address required", f => f.Address = "", nameof(HostForm.Address), "Address is required" },
        { "address with scheme", f => f.Address = "https://hv01.lab.example", nameof(HostForm.Address), "without a scheme" },
        { "address with space", f => f.Address = "hv 01", nameof(HostForm.Address), "Address 'hv 01' is not a host name or IP address" },
        { "address with port", f => f.Address = "hv01:5985", nameof(HostForm.Address), "is not a host name or IP address" },
        { "address with path", f => f.Address = "hv01/wsman", nameof(HostForm.Address), "is not a host name or IP address" },
        { "in-process transport", f => f.Transport = HostTransport.InProcess, nameof(HostForm.Transport), "Transport must be WinRM or SSH" },
        { "port zero", f => f.Port = 0, nameof(HostForm.Port), "Port must be between 1 and 65535" },
        { "port too high", f => f.Port = 65536, nameof(HostForm.Port), "Port must be between 1 and 65535" },
        { "ssh with password", f => { f.Transport = HostTransport.Ssh; f.Password = "secret"; }, nameof(HostForm.Password), "Password is not used by SSH" },
        { "ssh with https", f => { f.Transport = HostTransport.Ssh; f.UseHttps = true; }, nameof(HostForm.UseHttps), "HTTPS is for WinRM only" },
        { "ssh with authentication", f => { f.Transport = HostTransport.Ssh; f.Authentication = WinRmAuthentication.Kerberos; }, nameof(HostForm.Authentication), "Authentication is for WinRM only" },
        { "ssh skipping certificates", f => { f.Transport = HostTransport.Ssh; f.SkipCertificateChecks = true; }, nameof(HostForm.SkipCertificateChecks), "Skip certificate checks is for WinRM" },
        { "winrm skipping certificates without https", f => f.SkipCertificateChecks = true, nameof(HostForm.SkipCertificateChecks), "Skip certificate checks needs HTTPS" },
        { "winrm password without user", f => f.Password = "secret", nameof(HostForm.UserName), "User name is required with a password" },
        { "endpoint as a URI", f => f.ConfigurationName = "http://schemas.microsoft.com/powershell/PowerShell.7", nameof(HostForm.ConfigurationName), "must be the endpoint's name, e.g. PowerShell.7, not its URI" },
        { "endpoint with a space", f => f.ConfigurationName = "Hyper V", nameof(HostForm.ConfigurationName), "Endpoint 'Hyper V' is not an endpoint name" },
        { "endpoint with a quote", f => f.ConfigurationName = "x';Stop-Computer", nameof(HostForm.ConfigurationName), "is not an endpoint name" },
        { "endpoint starting with a dot", f => f.ConfigurationName = ".hidden", nameof(HostForm.ConfigurationName), "is not an endpoint name" },
        { "endpoint too long", f => f.ConfigurationName = new string('e', 129), nameof(HostForm.ConfigurationName), "up to 128 letters" },
        { "ssh with an endpoint", f => { f.Transport = HostTransport.Ssh; f.ConfigurationName = "PowerShell.7"; }, nameof(HostForm.ConfigurationName), "Endpoint is for WinRM only: SSH runs sshd's 'powershell' subsystem" },
        { "timeout zero", f => f.TimeoutSeconds = 0, nameof(HostForm.TimeoutSeconds), "Timeout must be between 1 second and 10 minutes" },
        { "timeout over ten minutes", f => f.TimeoutSeconds = 601, nameof(HostForm.TimeoutSeconds), "Timeout must be between 1 second and 10 minutes" },
        { "concurrency zero", f => f.MaxConcurrency = 0, nameof(HostForm.MaxConcurrency), "Max concurrency must be between 1 and 32" },
        { "concurrency over 32", f => f.MaxConcurrency = 33, nameof(HostForm.MaxConcurrency), "Max concurrency must be between 1 and 32" },
    };

    [Fact]
    public void A_complete_form_has_no_error_for_either_transport()
    {
        Assert.Empty(HostFormRules.Validate(Valid(), ["other"]));
        Assert.Empty(HostFormRules.Validate(new HostForm { Name = "hv02", Address = "hv02", Transport = HostTransport.Ssh, Port = 22, UserName = "labadmin", KeyFilePath = "/keys/lab", KnownHostsFile = "/keys/known_hosts" }, ["other"]));
        Assert.Empty(HostFormRules.Validate(new HostForm { Name = "v6", Address = "::1", Port = 1, TimeoutSeconds = 600, MaxConcurrency = 32 }, []));
        Assert.Empty(HostFormRules.Validate(new HostForm { Name = "v4", Address = "10.0.0.7", Port = 65535, TimeoutSeconds = 1, MaxConcurrency = 1, UseHttps = true, SkipCertificateChecks = true, UserName = "LAB\\admin", Password = "p" }, []));
    }

    [Theory]
    [MemberData(nameof(Broken))]
    public void Each_rule_names_its_field(string rule, Action<HostForm> breakIt, string field, string message)
    {
        var form = Valid();
        breakIt(form);

        var errors = HostFormRules.Validate(form, ["hv-taken"]);

        Assert.True(errors.Count == 1, $"{rule}: expected one error, got: {string.Join(" | ", errors)}");
        Assert.Equal(field, errors[0].Field);
        Assert.Contains(message, errors[0].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Microsoft.PowerShell")]
    [InlineData("PowerShell.7")]
    [InlineData("HyperV_Dashboard-JEA")]
    [InlineData("")]
    public void A_WinRM_endpoint_name_is_accepted_and_kept_trimmed(string endpoint)
    {
        var form = Valid();
        form.ConfigurationName = $" {endpoint} ";

        Assert.Empty(HostFormRules.Validate(form, []));
        Assert.Equal(endpoint.Length == 0 ? null : endpoint, form.ToSettings().ConfigurationName);
        Assert.Equal(form.ToSettings().ConfigurationName, HostForm.From(form.ToSettings()).ConfigurationName);
    }

    [Fact]
    public void Tags_are_trimmed_and_each_kept_once_in_the_order_typed()
    {
        var form = Valid();
        form.Tags = " rack-a, lab ,, RACK-A,  gpu ";

        Assert.Equal(["rack-a", "lab", "gpu"], form.ToSettings().Tags);
    }

    [Fact]
    public void Printable_names_and_tags_in_any_script_pass()
    {
        var form = Valid();
        form.Name = "hôte-Ω 実験 \U0001F5A5";
        form.Tags = "salle-é, ラック";

        Assert.Empty(HostFormRules.Validate(form, []));
    }

    [Fact]
    public void Uniqueness_is_skipped_when_no_names_are_given()
    {
        Assert.Empty(HostFormRules.Validate(Valid(), otherNames: null));
        Assert.Single(HostFormRules.Validate(Valid(), ["HV01"]));
    }

    [Fact]
    public void An_edited_L1_host_keeps_its_parent_and_vm_and_clearing_the_parent_clears_both()
    {
        var vmId = Guid.NewGuid();
        var form = HostForm.From(new HostConnectionSettings { Name = "l1", Address = "l1.lab.example", Transport = HostTransport.Ssh, ParentHost = "hv01", ParentVmId = vmId });

        var kept = form.ToSettings();
        form.ParentHost = " ";
        var cleared = form.ToSettings();

        Assert.Equal(("hv01", vmId), (kept.ParentHost, kept.ParentVmId));
        Assert.Equal((null, null), (cleared.ParentHost, cleared.ParentVmId));
    }
}
