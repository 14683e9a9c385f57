using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>
/// Test classes that start <see cref="DashboardServer"/>s run one at a time: Program's Serilog logger is the static
/// <c>Log.Logger</c>, so hosts started side by side would send their log events to each other's <see cref="DashboardServer.LogLines"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DashboardServerCollection
{
    public const string Name = "DashboardServer";
}

/// <summary>
/// The real app (Program.cs: sign-in, roles, database, the simulated lab) in this process, served by Kestrel on a
/// free 127.0.0.1 port, with a fresh data folder. Clients talk real HTTP to it; every log event is captured.
/// </summary>
public sealed partial class DashboardServer : IAsyncDisposable
{
    /// <summary>The first administrator's password (Auth:BootstrapAdminPassword).</summary>
    public const string AdminPassword = "Bootstrap-Admin-Pass-1";

    /// <summary>The password of users made by <see cref="CreateUserAsync"/>.</summary>
    public const string UserPassword = "Test-User-Password-1";

    private readonly Factory _factory;

    private readonly bool _ownsDataFolder;

    private DashboardServer(Factory factory, string dataFolder, bool ownsDataFolder)
    {
        _factory = factory;
        DataFolder = dataFolder;
        _ownsDataFolder = ownsDataFolder;
    }

    /// <summary>The app's data folder (deleted at dispose).</summary>
    public string DataFolder { get; }

    /// <summary>E.g. http://127.0.0.1:40123/.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _factory.Services;

    /// <summary>Every log event so far, formatted, with its exception text.</summary>
    public IReadOnlyCollection<string> LogLines => _factory.Log.Lines;

    /// <summary>
    /// Starts the app; <paramref name="settings"/> add or override configuration (e.g. "Auth:Lockout:MaxFailedAttempts");
    /// <paramref name="environment"/> is the hosting environment (Development unless a test checks Production behaviour).
    /// With <paramref name="dataFolder"/> the app uses that folder and leaves it at dispose (a restart on the same data).
    /// </summary>
    public static async Task<DashboardServer> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null,
        string environment = "Development",
        string? dataFolder = null)
    {
        var folder = dataFolder ?? Directory.CreateTempSubdirectory("nestedhv-web-").FullName;
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["DataFolder"] = folder,
            [FirstAdministrator.PasswordSetting] = AdminPassword,
            // The thread pool is this whole test process's, shared by many apps and tests at once: /healthz would say
            // "degraded" by the load of other tests. A test of that check sets its own limits.
            ["Health:ThreadPool:MaxThreads"] = "100000",
            ["Health:ThreadPool:MaxPendingWorkItems"] = "100000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var factory = new Factory(all, services, environment);
        var server = new DashboardServer(factory, folder, ownsDataFolder: dataFolder is null);
        try
        {
            factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
            await Task.Run(factory.StartServer);
            var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A local user with <paramref name="role"/> (or none) and <see cref="UserPassword"/>.</summary>
    public async Task<DashboardUser> CreateUserAsync(string userName, string? role, string password = UserPassword)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var user = new DashboardUser { UserName = userName, CreatedAt = DateTime.UtcNow };
        var created = await users.CreateAsync(user, password);
        Assert.True(created.Succeeded, string.Join(" ", created.Errors.Select(e => e.Description)));
        if (role is not null)
        {
            var added = await users.AddToRoleAsync(user, role);
            Assert.True(added.Succeeded, string.Join(" ", added.Errors.Select(e => e.Description)));
        }

        return user;
    }

    /// <summary>A client with its own cookies that does not follow redirects (so a test sees them).</summary>
    public HttpClient NewClient(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = BaseAddress,
        };

    /// <summary>Posts the sign-in form as a browser would (antiforgery token from the page); returns the response.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string userName, string password, string returnUrl = "/")
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await client.GetStringAsync(new Uri("account/login", UriKind.Relative));
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The sign-in page has no antiforgery token.");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["UserName"] = userName,
            ["Password"] = password,
            ["ReturnUrl"] = returnUrl,
        });
        return await client.PostAsync(new Uri("account/sign-in", UriKind.Relative), form);
    }

    /// <summary>Posts one of the sign-in page's forms (with the page's antiforgery token) to <paramref name="action"/>, as a browser would.</summary>
    public static async Task<HttpResponseMessage> PostLoginPageFormAsync(HttpClient client, string action, IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(fields);
        var page = await client.GetStringAsync(new Uri("account/login", UriKind.Relative));
        var token = AntiforgeryField().Match(page);
        Assert.True(token.Success, "The sign-in page has no antiforgery token.");
        using var form = new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))));
        return await client.PostAsync(new Uri(action.TrimStart('/'), UriKind.Relative), form);
    }

    /// <summary>A client signed in as <paramref name="userName"/>; fails the test when sign-in fails.</summary>
    public async Task<HttpClient> SignedInClientAsync(string userName, string password = UserPassword)
    {
        var client = NewClient();
        using var response = await PostSignInAsync(client, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("/account/login", response.Headers.Location?.OriginalString ?? "", StringComparison.Ordinal);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (!_ownsDataFolder)
        {
            return;
        }

        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open (SQLite's pool) is left to the temp folder's cleanup.
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    private sealed class Factory(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services, string environment) : WebApplicationFactory<Program>
    {
        public LogCapture Log { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.UseEnvironment(environment);
            builder.ConfigureLogging(l => l.AddProvider(Log));
            if (services is not null)
            {
                builder.ConfigureServices(services);
            }
        }
    }

    /// <summary>Keeps every log event's text.</summary>
    public sealed class LogCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var properties = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {properties} {exception}");
            }
        }
    }
}
