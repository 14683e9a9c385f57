using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace NestedHvDashboard.Web.Access;

/// <summary>The browser's address for a circuit, taken when its connection comes up (a circuit has no HTTP request of its own).</summary>
public sealed class CircuitClient
{
    /// <summary>The client's IP address, or null before the connection is up.</summary>
    public string? RemoteAddress { get; set; }
}

/// <summary>Fills <see cref="CircuitClient"/> from the connection's HTTP context.</summary>
public sealed class CircuitClientHandler(CircuitClient client, IHttpContextAccessor http) : CircuitHandler
{
    /// <inheritdoc />
    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (http.HttpContext?.Connection.RemoteIpAddress is { } address)
        {
            client.RemoteAddress = address.ToString();
        }

        return Task.CompletedTask;
    }
}

/// <summary>The <see cref="Actor"/> of a page's user: who is signed in to this circuit, and from where.</summary>
public sealed class CurrentActor(AuthenticationStateProvider authentication, CircuitClient client, IHttpContextAccessor http)
{
    /// <summary>The actor now (the role as of the last revalidation).</summary>
    public async Task<Actor> GetAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync().ConfigureAwait(false);
        var address = client.RemoteAddress ?? http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        return Actor.From(state.User, Channels.Browser, address);
    }
}
