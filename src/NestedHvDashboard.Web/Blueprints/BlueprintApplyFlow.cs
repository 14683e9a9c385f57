using MudBlazor;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>Apply, Resume and Re-apply, from any page: ask the guest credentials, then start the run through the service.</summary>
public static class BlueprintApplyFlow
{
    /// <summary>
    /// Asks the guest administrator accounts and starts (or resumes) applying <paramref name="name"/>; null when the user
    /// cancelled, else the service's answer (started, or refused with the reason).
    /// </summary>
    public static async Task<BlueprintChangeResult?> AskAndApplyAsync(IDialogService dialogs, IBlueprintService blueprints, Actor actor, string name, string verb)
    {
        ArgumentNullException.ThrowIfNull(dialogs);
        ArgumentNullException.ThrowIfNull(blueprints);
        ArgumentNullException.ThrowIfNull(actor);
        var parameters = new DialogParameters<BlueprintApplyDialog>
        {
            { d => d.Blueprint, name },
            { d => d.Verb, verb },
            { d => d.CanRemember, actor.CanAdminister },
        };
        var dialog = await dialogs.ShowAsync<BlueprintApplyDialog>($"{verb} blueprint", parameters, new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        var answer = await dialog.Result;
        if (answer is null || answer.Canceled || answer.Data is not BlueprintCredentials credentials)
        {
            return null;
        }

        return await blueprints.ApplyAsync(actor, name, credentials);
    }
}
