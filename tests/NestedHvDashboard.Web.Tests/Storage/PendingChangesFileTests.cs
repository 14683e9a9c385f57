using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Web.Operations;
using NestedHvDashboard.Web.Storage;

namespace NestedHvDashboard.Web.Tests.Storage;

public sealed class PendingChangesFileTests : IDisposable
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private readonly string _path = Directory.CreateTempSubdirectory("pending-changes-").FullName;
    private readonly DataFolder _folder;
    private readonly RecordingLogger _log = new();

    public PendingChangesFileTests() => _folder = new DataFolder(_path);

    public void Dispose() => Directory.Delete(_path, recursive: true);

    private PendingChangesFile File() => new(_folder, _log, new FixedTime(Noon.AddHours(3)));

    private ServiceProvider Services() => new ServiceCollection()
        .AddLogging()
        .AddSingleton(_folder)
        .AddNestedVirtualizationOperations()
        .BuildServiceProvider();

    private static PendingNestedChange Change(int n, string host = "HV01") =>
        new(host, new Guid(n, 0, 0, new byte[8]), $"vm {n} 'quoted' \"name\"", n % 2 == 0, n % 3 == 0, Noon.AddMinutes(n), n % 5 == 0);

    [Fact]
    public void What_is_saved_is_loaded_back_field_for_field()
    {
        PendingNestedChange[] changes = [Change(1), Change(5), Change(6, "hv-b")];

        File().Save(changes);

        Assert.Equal(changes, File().Load());
        Assert.True(System.IO.File.Exists(_folder.File("pending-changes.json")));
    }

    [Fact]
    public void No_file_yet_means_nothing_pending_and_no_warning()
    {
        Assert.Empty(File().Load());
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void Pending_changes_survive_a_restart_of_the_app()
    {
        var before = new PendingNestedChanges(File());
        before.Add(Change(1));
        before.Add(Change(2) with { DisableDynamicMemory = true });
        before.Add(Change(3));
        before.Remove("hv01", Change(3).VmId);

        // A new store and a new PendingNestedChanges over the same folder: what a restart builds.
        var after = new PendingNestedChanges(File());

        Assert.Equal(before.List(), after.List());
        Assert.Equal(2, after.List().Count);
        Assert.True(after.Find("HV01", Change(2).VmId)?.DisableDynamicMemory);
        Assert.Null(after.Find("HV01", Change(3).VmId));
    }

    [Fact]
    public void The_apps_registration_keeps_pending_changes_in_the_data_folder()
    {
        using (var first = Services())
        {
            first.GetRequiredService<PendingNestedChanges>().Add(Change(7));
        }

        using var second = Services();

        Assert.Equal([Change(7)], second.GetRequiredService<PendingNestedChanges>().List());
        Assert.Equal(_folder.File("pending-changes.json"), Assert.IsType<PendingChangesFile>(second.GetRequiredService<IPendingChangeStore>()).Path);
    }

    [Theory]
    [InlineData("{ this is not json")]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{\"version\":1,\"changes\":[null]}")]
    [InlineData("{\"version\":1,\"changes\":[{\"vmId\":\"00000001-0000-0000-0000-000000000000\",\"enable\":true}]}")]
    [InlineData("{\"version\":99,\"changes\":[]}")]
    public void A_corrupt_file_is_set_aside_with_a_warning_naming_it_and_the_app_starts_empty(string content)
    {
        var path = _folder.File("pending-changes.json");
        System.IO.File.WriteAllText(path, content);

        var pending = new PendingNestedChanges(File());

        Assert.Empty(pending.List());
        var aside = Path.Combine(_path, "pending-changes.json.corrupt-20261126T150000000Z");
        Assert.Equal(content, System.IO.File.ReadAllText(aside));
        Assert.False(System.IO.File.Exists(path));
        var warning = Assert.Single(_log.Warnings);
        Assert.Contains(path, warning, StringComparison.Ordinal);
        Assert.Contains(aside, warning, StringComparison.Ordinal);

        // The app goes on: the next change is saved to a fresh file.
        pending.Add(Change(1));
        Assert.Equal([Change(1)], File().Load());
    }

    [Fact]
    public async Task Concurrent_adds_are_all_saved_and_leave_no_temporary_file()
    {
        var pending = new PendingNestedChanges(File());

        await Task.WhenAll(Enumerable.Range(1, 40).Select(n => Task.Run(() => pending.Add(Change(n, n % 2 == 0 ? "HV01" : "HV02")))));

        var reloaded = File().Load();
        Assert.Equal(40, reloaded.Count);
        Assert.Equal(pending.List(), reloaded);
        Assert.Equal(["pending-changes.json"], Directory.GetFiles(_path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Concurrent_saves_on_one_file_end_with_one_writers_whole_list()
    {
        var file = File();
        var writers = Enumerable.Range(1, 8).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 20; i++)
            {
                file.Save([.. Enumerable.Range(1, w).Select(n => Change(n))]);
            }
        }));

        await Task.WhenAll(writers);

        var loaded = File().Load();
        Assert.InRange(loaded.Count, 1, 8);
        Assert.Equal(Enumerable.Range(1, loaded.Count).Select(n => Change(n)), loaded);
        Assert.Empty(_log.Warnings);
        Assert.Equal(["pending-changes.json"], Directory.GetFiles(_path).Select(Path.GetFileName));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class RecordingLogger : ILogger<PendingChangesFile>
    {
        private readonly Lock _gate = new();
        private readonly List<string> _warnings = [];

        public IReadOnlyList<string> Warnings
        {
            get { lock (_gate) { return [.. _warnings]; } }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning)
            {
                lock (_gate) { _warnings.Add(formatter(state, exception)); }
            }
        }
    }
}
