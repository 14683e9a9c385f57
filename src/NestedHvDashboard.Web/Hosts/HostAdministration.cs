using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Operations;

namespace NestedHvDashboard.Web.Hosts;

/// <summary>
/// Adding, editing, removing and testing host connections, for the Connections page and the API: Administrator only
/// (checked here, whatever the page shows), each change stored in the audit trail before it runs and completed after.
/// Passwords never reach the audit trail.
/// </summary>
public sealed class HostAdministration(HostDirectory directory, IAuditTrail audit)
{
    /// <summary>Adds a host.</summary>
    public Task<HostChangeResult> AddAsync(Actor actor, HostForm form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        return ChangeAsync(actor, "Add host", form.Name, Describe(form), "no such host", $"Adding host '{form.Name}'",
            () => directory.AddAsync(form, cancellationToken), () => Current(form.Name), cancellationToken);
    }

    /// <summary>Replaces host <paramref name="name"/>'s settings.</summary>
    public Task<HostChangeResult> UpdateAsync(Actor actor, string name, HostForm form, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(form);
        return ChangeAsync(actor, "Edit host", name, Describe(form), Current(name), $"Changing host '{name}'",
            () => directory.UpdateAsync(name, form, cancellationToken), () => Current(form.Name), cancellationToken);
    }

    /// <summary>Removes host <paramref name="name"/>.</summary>
    public Task<HostChangeResult> RemoveAsync(Actor actor, string name, CancellationToken cancellationToken = default)
    {
        return ChangeAsync(actor, "Remove host", name, new { name }, Current(name), $"Removing host '{name}'",
            () => directory.RemoveAsync(name, cancellationToken), () => "removed", cancellationToken);
    }

    /// <summary>
    /// Adds the L1 guest <paramref name="vmId"/> of <paramref name="parentHost"/> as a host. <paramref name="vmName"/> (the
    /// VM's name as the inventory shows it) names it in the trail and the messages; without it the id does.
    /// </summary>
    public Task<HostChangeResult> AddNestedHostAsync(Actor actor, string parentHost, Guid vmId, string? vmName = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(actor, "Add nested host", parentHost, new { parentHost, vmId }, "not a host", $"Adding VM {(vmName is null ? vmId.ToString() : $"'{vmName}'")} of host '{parentHost}' as a host",
            () => directory.AddNestedHostAsync(parentHost, vmId, cancellationToken), () => directory.NestedHostNamed(parentHost, vmId) is { } added ? Current(added) : null, cancellationToken,
            vmName, vmId);

    /// <summary>Tries the form's settings once (it reaches out with the typed credentials, so it is for administrators too). Not audited: it changes nothing.</summary>
    public async Task<ConnectionTestResult> TestConnectionAsync(Actor actor, HostForm form, string? editing = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.CanAdminister)
        {
            return new ConnectionTestResult(false, actor.Refusal($"Testing a connection to '{form?.Name}'", DashboardRoles.Administrator), null, null, []);
        }

        return await directory.TestConnectionAsync(form!, editing, cancellationToken);
    }

    /// <summary>A host's settings as the audit trail keeps them (no password), or "no such host".</summary>
    private string Current(string name) =>
        directory.EditFormFor(name) is { } form ? System.Text.Json.JsonSerializer.Serialize(Describe(form)) : "no such host";

    /// <summary>The form without its secret, for the audit trail.</summary>
    public static object Describe(HostForm form)
    {
        ArgumentNullException.ThrowIfNull(form);
        return new
        {
            form.Name,
            form.Address,
            Transport = form.Transport.ToString(),
            form.Port,
            form.UseHttps,
            Authentication = form.Authentication.ToString(),
            form.UserName,
            PasswordGiven = !string.IsNullOrEmpty(form.Password),
            form.ClearPassword,
            form.KeyFilePath,
            form.KnownHostsFile,
            form.SkipCertificateChecks,
            form.Tags,
            form.TimeoutSeconds,
            form.MaxConcurrency,
            form.ParentHost,
            form.ParentVmId,
        };
    }

    private Task<HostChangeResult> ChangeAsync(
        Actor actor, string action, string host, object parameters, string before, string what, Func<Task<HostChangeResult>> change, Func<string?> after, CancellationToken cancellationToken,
        string? vmName = null, Guid? vmId = null)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var audited = new AuditedChange<HostChangeResult>(
            new AuditStart(actor, action, host, vmName, vmId, parameters, before),
            what,
            HostChangeResult.Refused,
            result => result.Succeeded
                ? new AuditCompletion(AuditResults.Succeeded, $"{what}: done.", after())
                : new AuditCompletion(AuditResults.Refused, $"{what}: refused. {string.Join(" ", result.Errors.Select(e => string.IsNullOrEmpty(e.Field) ? e.Message : $"{e.Field}: {e.Message}"))}"))
        {
            NeededRole = DashboardRoles.Administrator,
            Denied = HostChangeResult.Denied,
            Escaped = ex => new AuditCompletion(AuditResults.Failed, $"{what} failed: {ex.Message}"),
        };
        return audit.ChangeAsync(audited, _ => change(), cancellationToken);
    }
}
