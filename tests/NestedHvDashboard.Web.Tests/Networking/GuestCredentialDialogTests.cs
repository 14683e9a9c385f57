using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using NestedHvDashboard.Web.Networking;

namespace NestedHvDashboard.Web.Tests.Networking;

/// <summary>The guest sign-in dialog: Sign in is never silently greyed; an empty field says so under it, and the message goes once filled.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "xUnit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class GuestCredentialDialogTests : IAsyncLifetime
{
    private readonly BunitContext _context = new();

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task Sign_in_with_an_empty_field_names_it_and_the_dialog_closes_once_both_are_filled()
    {
        var dialogs = _context.Render<MudDialogProvider>();
        var service = _context.Services.GetRequiredService<IDialogService>();
        var reference = await dialogs.InvokeAsync(() => service.ShowAsync<GuestCredentialDialog>("Sign in", new DialogParameters<GuestCredentialDialog> { { d => d.VmName, "l1-a" } }));
        dialogs.WaitForElement("[data-testid=guest-credential-dialog]");
        Assert.Null(Problem(dialogs, "guest-user"));
        Assert.Null(Problem(dialogs, "guest-password"));

        await dialogs.InvokeAsync(() => dialogs.Find("input[data-testid=guest-user]").Input(""));
        dialogs.WaitForAssertion(() => Assert.Equal("A user name inside the guest is needed (e.g. Administrator).", Problem(dialogs, "guest-user")));
        Assert.Null(Problem(dialogs, "guest-password"));

        Assert.False(dialogs.Find("[data-testid=guest-credential-ok]").HasAttribute("disabled"));
        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=guest-credential-ok]").Click());
        dialogs.WaitForAssertion(() => Assert.Equal("The guest account's password is needed.", Problem(dialogs, "guest-password")));
        Assert.NotEmpty(dialogs.FindAll("[data-testid=guest-credential-dialog]"));

        await dialogs.InvokeAsync(() => dialogs.Find("input[data-testid=guest-user]").Input("Administrator"));
        await dialogs.InvokeAsync(() => dialogs.Find("input[data-testid=guest-password]").Input("Guest-Pass-1"));
        dialogs.WaitForAssertion(() =>
        {
            Assert.Null(Problem(dialogs, "guest-user"));
            Assert.Null(Problem(dialogs, "guest-password"));
        });
        await dialogs.InvokeAsync(() => dialogs.Find("[data-testid=guest-credential-ok]").Click());

        var answer = Assert.IsType<GuestCredentialAnswer>((await reference.Result)!.Data);
        Assert.Equal(("Administrator", "Guest-Pass-1"), (answer.Credential.UserName, answer.Credential.Password));
    }

    private static string? Problem(IRenderedComponent<MudDialogProvider> dialogs, string testId) =>
        dialogs.Find($"input[data-testid={testId}]").Closest(".mud-input-control")?.QuerySelector(".mud-input-helper-text.mud-input-error")?.TextContent.Trim();
}
