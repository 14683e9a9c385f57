using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Web.Blueprints;

namespace NestedHvDashboard.Web.Tests.Blueprints;

/// <summary>The form's rows turn back into the blueprint they were made from, and new rows get the defaults a nested lab needs.</summary>
public sealed class BlueprintFormModelTests
{
    private readonly FakeBlueprintService _service = new();

    [Fact]
    public void A_blueprint_through_the_form_comes_back_the_same()
    {
        var lab = FakeBlueprintService.Lab("lab") with { ConnectivityProbe = "www.example.test" };
        var external = lab.L1s[1] with { Network = new BlueprintNetwork(BlueprintNetworking.ExternalSwitch, "L1 External", null, "10.0.1.1", null), ConfigurationVersion = "10.0", OsImagePath = @"C:\Images\ws2022.vhdx" };
        lab = lab with { L1s = [lab.L1s[0], external] };

        var back = BlueprintFormModel.From(lab).ToBlueprint();

        Assert.Equal(_service.Export(lab, BlueprintFormat.Json), _service.Export(back, BlueprintFormat.Json));
    }

    [Fact]
    public void New_rows_are_named_after_their_place_with_nat_and_static_memory_defaults_and_blank_fields_leave_the_blueprint_null()
    {
        var form = new BlueprintFormModel { Name = " lab ", Description = "  " };
        var l1 = form.AddL1("hv-a");
        l1.AddL2();
        l1.L2s[0].IpAddress = " ";

        var blueprint = form.ToBlueprint();

        Assert.Equal("lab", blueprint.Name);
        Assert.Null(blueprint.Description);
        var made = Assert.Single(blueprint.L1s);
        Assert.Equal(("l1-01", "hv-a", 4, 8L << 30), (made.Name, made.Host, made.ProcessorCount, made.MemoryStartupBytes));
        Assert.Equal(new BlueprintNetwork(BlueprintNetworking.Nat, "NestedNAT", "192.168.101.0/24", "192.168.101.1", null), made.Network);
        Assert.Equal(new BlueprintL2("l1-01-l2-01", 2, 2L << 30, null, null, null), Assert.Single(made.L2s));
    }

    [Fact]
    public void The_external_switch_option_drops_the_nat_prefix()
    {
        var form = new BlueprintFormModel { Name = "lab" };
        var l1 = form.AddL1("hv-a");
        l1.Networking = BlueprintNetworking.ExternalSwitch;

        Assert.Null(form.ToBlueprint().L1s[0].Network.NatPrefix);
    }
}
