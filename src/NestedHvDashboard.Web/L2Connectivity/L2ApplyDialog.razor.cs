using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Networking;

namespace NestedHvDashboard.Web.L2Connectivity;

/// <summary>One L2 VM the dialog proposes an address for.</summary>
/// <param name="Name">Its name inside the L1.</param>
/// <param name="State">Its state as the L1 says.</param>
/// <param name="Address">The address proposed (the next free one of the NAT's prefix).</param>
public sealed record L2Row(string Name, string State, string Address);

/// <summary>The review of "Apply addresses": closes with the <see cref="L2AddressItem"/>s to apply, or cancels.</summary>
public sealed partial class L2ApplyDialog
{
    private readonly Dictionary<string, string> _addresses = new(StringComparer.OrdinalIgnoreCase);
    private string? _dns;
    private string? _user = "Administrator";
    private string? _password;
    private bool _remember;
    private bool _submitted;

    [CascadingParameter]
    public required IMudDialogInstance Dialog { get; set; }

    /// <summary>The L1's host. Default empty.</summary>
    [Parameter]
    public string Host { get; set; } = "";

    /// <summary>The L1 VM's name. Default empty.</summary>
    [Parameter]
    public string L1Name { get; set; } = "";

    /// <summary>The L1 VM's id (PowerShell Direct reaches it by id). Default empty.</summary>
    [Parameter]
    public Guid L1Id { get; set; }

    /// <summary>The L2 VMs to give addresses, with the proposed ones. Default none.</summary>
    [Parameter]
    public IReadOnlyList<L2Row> Rows { get; set; } = [];

    /// <summary>The NAT's name. Default empty.</summary>
    [Parameter]
    public string NatName { get; set; } = "";

    /// <summary>The NAT's internal prefix. Default empty.</summary>
    [Parameter]
    public string Prefix { get; set; } = "";

    /// <summary>The NAT's gateway (the L1's address on the NAT's switch). Default empty.</summary>
    [Parameter]
    public string Gateway { get; set; } = "";

    /// <summary>The DNS server proposed, or null. Default null.</summary>
    [Parameter]
    public string? DnsServer { get; set; }

    /// <summary>Builds the check context of one L2 (what the L1 says, with the L2 on the NAT's switch). Required.</summary>
    [Parameter]
    public Func<L2Row, L2NetworkContext> ContextOf { get; set; } = null!;

    /// <summary>The L2 VMs with no credential remembered or typed this visit. Default none.</summary>
    [Parameter]
    public IReadOnlyList<string> NeedCredential { get; set; } = [];

    /// <summary>True when the user may enter (and remember) guest credentials. Default false.</summary>
    [Parameter]
    public bool CanAdminister { get; set; }

    protected override void OnInitialized()
    {
        foreach (var row in Rows)
        {
            _addresses[row.Name] = row.Address;
        }

        _dns = DnsServer;
    }

    private int PrefixLength => Ipv4Prefix.TryParse(Prefix, out var prefix, out _) ? prefix.Length : 24;

    private L2AddressRequest RequestOf(string name) =>
        new(_addresses.GetValueOrDefault(name, "").Trim(), PrefixLength, Gateway, string.IsNullOrWhiteSpace(_dns) ? null : _dns.Trim());

    private IReadOnlyList<NatNetworkProblem> ProblemsOf(string name)
    {
        var row = Rows.First(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
        var others = Rows.Where(r => r != row).Select(r => _addresses[r.Name].Trim());
        return L2AddressValidator.Validate(RequestOf(name), ContextOf(row), others);
    }

    private string? ProblemOf(string name, string field) => ProblemsOf(name).FirstOrDefault(p => p.Field == field)?.Message;

    private string? DnsProblem => Rows.Count == 0 ? null : ProblemOf(Rows[0].Name, L2AddressField.DnsServer);

    private void Submit()
    {
        _submitted = true;
        if (Rows.Any(r => ProblemsOf(r.Name).Count > 0))
        {
            return;
        }

        GuestCredential? typed = null;
        if (NeedCredential.Count > 0)
        {
            if (string.IsNullOrWhiteSpace(_user) || string.IsNullOrEmpty(_password))
            {
                return;
            }

            typed = new GuestCredential(_user.Trim(), _password);
        }

        var items = Rows.Select(r => NeedCredential.Contains(r.Name, StringComparer.OrdinalIgnoreCase)
            ? new L2AddressItem(r.Name, RequestOf(r.Name), typed, _remember)
            : new L2AddressItem(r.Name, RequestOf(r.Name))).ToList();
        Dialog.Close(DialogResult.Ok(items));
    }
}
