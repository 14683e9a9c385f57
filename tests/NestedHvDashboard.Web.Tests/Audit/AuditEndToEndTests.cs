using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NestedHvDashboard.Core.Hosts;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;
using NestedHvDashboard.Web.Hosts;
using NestedHvDashboard.Web.Networking;
using NestedHvDashboard.Web.Tests.Access;

namespace NestedHvDashboard.Web.Tests.Audit;

/// <summary>The real app over loopback HTTP: changes through its services are audited and logged without secrets; the CSV export needs a viewer.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The capture holds nothing to release; the app's host disposes the providers it was given.")]
public sealed class AuditEndToEndTests : IAsyncLifetime
{
    private const string HostPassword = "E2e-Host-Secret-4711";

    private readonly EventCapture _events = new();
    private DashboardServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await DashboardServer.StartAsync(services: s => s.AddSingleton<ILoggerProvider>(_events));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<List<AuditEntry>> EntriesAsync()
    {
        await using var db = await _server.Services.GetRequiredService<IDbContextFactory<DashboardDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    /// <summary>A VM of the simulated lab with a network adapter, and its host.</summary>
    private async Task<(string Host, VmSnapshot Vm)> VmWithAdapterAsync()
    {
        var directory = _server.Services.GetRequiredService<HostDirectory>();
        foreach (var host in directory.Hosts)
        {
            var inventory = await directory[host.Name].GetInventoryAsync();
            if (inventory.Vms.FirstOrDefault(v => v.NetworkAdapters.Count > 0) is { } vm)
            {
                return (host.Name, vm);
            }
        }

        throw new InvalidOperationException("The simulated lab has no VM with a network adapter.");
    }

    [Fact]
    public async Task A_change_through_the_apps_service_is_stored_and_logged_as_structured_events()
    {
        var (host, vm) = await VmWithAdapterAsync();
        var service = _server.Services.GetRequiredService<MacSpoofingService>();

        // MAC address spoofing can be changed on any VM, running or not.
        var result = await service.SetAsync(TestDatabase.Operator, host, vm, null, !vm.NetworkAdapters[0].MacAddressSpoofing);

        Assert.True(result.Succeeded, result.Message);
        var entry = Assert.Single(await EntriesAsync());
        Assert.Equal(("olivia", host, vm.Name, "Succeeded"), (entry.Actor, entry.Host, entry.VmName, entry.Result));
        var begun = Assert.Single(_events.Events, e => e.Id == 7001);
        Assert.Contains($"Audit {entry.Id}: olivia (Operator, Browser, from 127.0.0.1) started {entry.Action} on host {host} VM {vm.Name}", Unquoted(begun.Message), StringComparison.Ordinal);
        var ended = Assert.Single(_events.Events, e => e.Id == 7002);
        Assert.Contains($"Audit {entry.Id}: olivia's {entry.Action} on host {host} VM {vm.Name} ended Succeeded", Unquoted(ended.Message), StringComparison.Ordinal);
        // The test fixture's own capture sees the same events (Serilog passes them on).
        Assert.Contains(_server.LogLines, l => Unquoted(l).Contains($"Audit {entry.Id}: olivia's {entry.Action}", StringComparison.Ordinal));
    }

    /// <summary>Serilog renders string properties in quotes.</summary>
    private static string Unquoted(string line) => line.Replace("\"", "", StringComparison.Ordinal);

    [Fact]
    public async Task A_host_password_reaches_neither_the_audit_trail_nor_any_log_line()
    {
        var hosts = _server.Services.GetRequiredService<HostAdministration>();
        var form = new HostForm
        {
            Name = "hv-secret",
            // Loopback port 9 (discard): nothing answers, so the monitor's attempts fail and get logged too.
            Address = "127.0.0.1",
            Port = 9,
            Transport = HostTransport.WinRm,
            UserName = "LAB\\dashboard",
            Password = HostPassword,
            TimeoutSeconds = 5,
        };

        var added = await hosts.AddAsync(TestDatabase.Administrator, form);
        Assert.True(added.Succeeded, string.Join(" ", added.Errors.Select(e => e.Message)));
        var edit = _server.Services.GetRequiredService<HostDirectory>().EditFormFor("hv-secret")!;
        edit.Password = HostPassword + "-2";
        Assert.True((await hosts.UpdateAsync(TestDatabase.Administrator, "hv-secret", edit)).Succeeded);
        var refused = await hosts.AddAsync(TestDatabase.Operator, form);
        Assert.False(refused.Succeeded);

        var entries = await EntriesAsync();
        Assert.Equal(["Add host", "Edit host", "Add host"], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.NotNull(e.CompletedAt));
        foreach (var entry in entries)
        {
            Assert.DoesNotContain(HostPassword, string.Join("|", entry.Parameters, entry.Before, entry.After, entry.Message, entry.HostError), StringComparison.Ordinal);
        }

        Assert.Contains(_events.Events, e => e.Id == 7002 && e.Message.Contains("Add host", StringComparison.Ordinal));
        Assert.DoesNotContain(_server.LogLines, l => l.Contains(HostPassword, StringComparison.Ordinal));
        Assert.DoesNotContain(_events.Events, e => e.Message.Contains(HostPassword, StringComparison.Ordinal));
        // Sign-in passwords are secrets too: the fixture signed nobody in here, so sign one in and look again.
        await _server.CreateUserAsync("vera", DashboardRoles.Viewer);
        using var client = await _server.SignedInClientAsync("vera");
        Assert.DoesNotContain(_server.LogLines, l => l.Contains(DashboardServer.UserPassword, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_viewer_downloads_the_filtered_csv_and_an_anonymous_client_is_sent_to_sign_in()
    {
        var audit = _server.Services.GetRequiredService<IAuditTrail>();
        await audit.RecordAsync(new AuditStart(TestDatabase.Operator, "Enable nested", "hv-a", "=cmd|' /C calc'!A0", null), new AuditCompletion(AuditResults.Failed, "Failed, said: \"no\"", null, "Access denied."));
        await audit.RecordAsync(new AuditStart(TestDatabase.Viewer, "Disable nested", "hv-b", "web-01", null), new AuditCompletion(AuditResults.Denied, "Needs the Operator role."));
        await _server.CreateUserAsync("vera", DashboardRoles.Viewer);
        using var viewer = await _server.SignedInClientAsync("vera");

        using var response = await viewer.GetAsync(new Uri("activity/export.csv?result=failed", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Matches("^activity-\\d{8}-\\d{6}Z\\.csv$", response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        var lines = System.Text.Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Id,Started (UTC)", lines[0], StringComparison.Ordinal);
        Assert.Contains(",olivia,Operator,Browser,127.0.0.1,hv-a,'=cmd|' /C calc'!A0,,Enable nested,Failed,\"Failed, said: \"\"no\"\"\",Access denied.,", lines[1], StringComparison.Ordinal);

        using var all = await viewer.GetAsync(new Uri("activity/export.csv", UriKind.Relative));
        Assert.Equal(3, (await all.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);

        using var anonymous = _server.NewClient();
        using var refused = await anonymous.GetAsync(new Uri("activity/export.csv", UriKind.Relative));
        Assert.True(
            refused.StatusCode is HttpStatusCode.Unauthorized
            || (refused.StatusCode is HttpStatusCode.Redirect && refused.Headers.Location!.OriginalString.Contains("/account/login", StringComparison.Ordinal)),
            $"An anonymous export answered {refused.StatusCode}.");
        Assert.DoesNotContain("Enable nested", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Keeps every event's id and formatted message.</summary>
    private sealed class EventCapture : ILoggerProvider
    {
        private readonly ConcurrentQueue<(int Id, string Message)> _events = new();

        public IReadOnlyList<(int Id, string Message)> Events => [.. _events];

        public ILogger CreateLogger(string categoryName) => new Logger(_events);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(int Id, string Message)> events) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                events.Enqueue((eventId.Id, formatter(state, exception) + " " + exception));
        }
    }
}
