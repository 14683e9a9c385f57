using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Components;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>
/// A page whose user is signed out sends its browser to the sign-in page. A closed tab's circuit (kept for minutes, its browser
/// gone) caught by a sign-out at its revalidation waits for the browser instead of navigating into nothing, which logged
/// "Navigation failed" and an unhandled circuit error.
/// </summary>
public sealed class RedirectToLoginTests : IDisposable
{
    private readonly BunitContext _context = new();
    private readonly CircuitConnection _connection = new();

    public RedirectToLoginTests()
    {
        _context.Services.AddSingleton(_connection);
        _context.Services.GetRequiredService<NavigationManager>().NavigateTo("/vms?tag=lab");
    }

    [Fact]
    public void A_connected_browser_goes_to_the_sign_in_page_and_back_here_afterwards()
    {
        _context.Render<RedirectToLogin>();

        Assert.Equal("http://localhost/account/login?ReturnUrl=%2Fvms%3Ftag%3Dlab", _context.Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void A_circuit_whose_browser_is_away_navigates_only_once_it_is_back()
    {
        var navigation = _context.Services.GetRequiredService<NavigationManager>();
        _connection.MarkDown();

        var redirect = _context.Render<RedirectToLogin>();
        Assert.Equal("http://localhost/vms?tag=lab", navigation.Uri);

        _connection.MarkUp();
        redirect.WaitForAssertion(() => Assert.Equal("http://localhost/account/login?ReturnUrl=%2Fvms%3Ftag%3Dlab", navigation.Uri), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Once_gone_it_no_longer_listens_for_the_browser()
    {
        var navigation = _context.Services.GetRequiredService<NavigationManager>();
        _connection.MarkDown();
        var redirect = _context.Render<RedirectToLogin>();

        redirect.Instance.Dispose();
        _connection.MarkUp();

        Assert.Equal("http://localhost/vms?tag=lab", navigation.Uri);
    }

    public void Dispose() => _context.Dispose();
}
