using Microsoft.AspNetCore.Components;
using MudBlazor;
using NestedHvDashboard.Core.Hosts;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>The form to add or edit a host, with <i>Test connection</i>; closes with the saved host's name.</summary>
public sealed partial class HostConnectionDialog
{
    private readonly HashSet<string> _touched = [];
    private IReadOnlyList<HostFieldError> _errors = [];
    private bool _submitted;
    private ConnectionTestResult? _test;
    private bool _testing;
    private bool _saving;
    private bool _keepLab = true;

    [CascadingParameter]
    public required IMudDialogInstance Dialog { get; set; }

    [Inject]
    public required Simulator.SimulatedLabSwitch LabSwitch { get; init; }

    [Inject]
    public required HostAdministration Administration { get; init; }

    [Inject]
    public required NestedHvDashboard.Web.Access.CurrentActor Actor { get; init; }

    /// <summary>The form to fill; a new one for an add.</summary>
    [Parameter]
    public HostForm Form { get; set; } = new();

    /// <summary>The name of the host being edited; null (the default) to add one.</summary>
    [Parameter]
    public string? Editing { get; set; }

    /// <summary>The names of the hosts there are, which the host may run on. Default none.</summary>
    [Parameter]
    public IReadOnlyList<string> HostNames { get; set; } = [];

    // The select's "none" is the empty string; the form keeps null.
    private string RunsOn
    {
        get => Form.ParentHost ?? "";
        set => Form.ParentHost = string.IsNullOrEmpty(value) ? null : value;
    }

    private IEnumerable<string> ParentChoices => HostNames
        .Where(n => !string.Equals(n, Editing, StringComparison.OrdinalIgnoreCase) && !string.Equals(n, Form.Name, StringComparison.OrdinalIgnoreCase));

    private string DefaultPortText => Form.Transport == HostTransport.Ssh ? "Empty: 22" : Form.UseHttps ? "Empty: 5986" : "Empty: 5985";

    private string? ErrorOf(string field)
    {
        var messages = _errors.Where(e => e.Field == field).Select(e => e.Message).ToList();
        return messages.Count == 0 ? null : string.Join(" ", messages);
    }

    private bool HasError(string field) => _errors.Any(e => e.Field == field);

    // A field's problem shows as soon as it is edited, and every field's once Save or Test was pressed; each edit checks the
    // form again, so an error never stays under a field that was fixed.
    private void Edited(string field)
    {
        _touched.Add(field);
        Revalidate();
    }

    private void Revalidate()
    {
        var otherNames = HostNames.Where(n => !string.Equals(n, Editing, StringComparison.OrdinalIgnoreCase));
        _errors = [.. HostFormRules.Validate(Form, otherNames).Where(e => _submitted || _touched.Contains(e.Field))];
    }

    // SSH hides the WinRM-only fields: clear them, or the rules would refuse values the user cannot see.
    private void ChooseTransport(HostTransport transport)
    {
        Form.Transport = transport;
        if (transport == HostTransport.Ssh)
        {
            Form.UseHttps = false;
            Form.Authentication = WinRmAuthentication.Default;
            Form.SkipCertificateChecks = false;
            Form.Password = null;
            Form.ConfigurationName = null;
        }

        Revalidate();
    }

    private async Task TestAsync()
    {
        _testing = true;
        _submitted = true;
        _test = null;
        try
        {
            _test = await Administration.TestConnectionAsync(await Actor.GetAsync(), Form, Editing);
            _errors = _test.Errors;
        }
        finally
        {
            _testing = false;
        }
    }

    private async Task SaveAsync()
    {
        _saving = true;
        _submitted = true;
        try
        {
            var actor = await Actor.GetAsync();
            var result = Editing is null ? await Administration.AddAsync(actor, Form) : await Administration.UpdateAsync(actor, Editing, Form);
            _errors = result.Errors;
            if (result.Succeeded)
            {
                if (Editing is null && !_keepLab && LabSwitch.Status.IsOn)
                {
                    await LabSwitch.SetAsync(actor, on: false);
                }

                Dialog.Close(DialogResult.Ok(Form.Name));
            }
        }
        finally
        {
            _saving = false;
        }
    }

    private void Cancel() => Dialog.Cancel();
}
