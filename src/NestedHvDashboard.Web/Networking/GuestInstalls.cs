using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Core.Operations;
using NestedHvDashboard.Core.VirtualMachines;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Audit;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Networking;

/// <summary>One step of a Hyper-V install as the card lists it: the engine's word (or the dashboard's own first step) and when it came.</summary>
/// <param name="Word">What the install is doing, in the user's words.</param>
/// <param name="At">When the step began.</param>
public sealed record GuestInstallStep(string Word, DateTimeOffset At);

/// <summary>
/// One Hyper-V install in a guest, as it runs and after it ended: kept by <see cref="GuestInstalls"/> (not by the card), so it
/// goes on and stays visible while the guest restarts, the user navigates away and back, or the page reloads.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A CancellationTokenSource without a timer holds nothing to release; Stop waiting stays safe after the install ended.")]
public sealed class GuestInstall
{
    private readonly Lock _gate = new();
    private readonly List<GuestInstallStep> _steps = [];
    private readonly CancellationTokenSource _wait = new();

    internal GuestInstall(string host, VmSnapshot vm, string actor, DateTimeOffset startedAt)
    {
        Host = host;
        VmId = vm.Id;
        VmName = vm.Name;
        Actor = actor;
        StartedAt = startedAt;
        _steps.Add(new GuestInstallStep(GuestInstalls.FirstStep, startedAt));
    }

    // An install that ended before the app last started, as its audit entry says (its steps were not kept).
    internal GuestInstall(AuditEntry entry, GuestActionResult result)
    {
        Host = entry.Host ?? "";
        VmId = entry.VmId ?? Guid.Empty;
        VmName = entry.VmName ?? "";
        Actor = entry.Actor;
        StartedAt = Utc(entry.StartedAt);
        EndedAt = Utc(entry.CompletedAt ?? entry.StartedAt);
        AuditId = entry.Id;
        Result = result;
        FromAudit = true;
        Interrupted = entry.Result == AuditResults.Interrupted;
    }

    /// <summary>Raised, on any thread, after a step came and when the install ended.</summary>
    public event Action? Changed;

    /// <summary>The host the VM runs on.</summary>
    public string Host { get; }

    /// <summary>The VM's id.</summary>
    public Guid VmId { get; }

    /// <summary>The VM's name when the install started.</summary>
    public string VmName { get; }

    /// <summary>Who started it (the user name).</summary>
    public string Actor { get; }

    /// <summary>When the user asked for it.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>When it ended (any way); null while it runs.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Its audit entry, once stored (null for an install refused before it was stored, or not begun yet).</summary>
    public long? AuditId { get; private set; }

    /// <summary>How it ended; null while it runs.</summary>
    public GuestActionResult? Result { get; private set; }

    /// <summary>True while the dashboard waits for it.</summary>
    public bool IsRunning => Result is null;

    /// <summary>True for an install that ended before the app last started: read back from its audit entry, without its steps.</summary>
    public bool FromAudit { get; }

    /// <summary>True when the app stopped while the install ran (its audit entry was marked Interrupted at the next start).</summary>
    public bool Interrupted { get; }

    /// <summary>True once the user asked to stop waiting.</summary>
    public bool StopRequested { get; private set; }

    /// <summary>True while the engine reported it outlasted its limit and left it to finish in the guest.</summary>
    public bool StillRunning { get; private set; }

    /// <summary>The steps so far, the first (the dashboard's own) from the first second.</summary>
    public IReadOnlyList<GuestInstallStep> Steps
    {
        get { lock (_gate) { return [.. _steps]; } }
    }

    /// <summary>How long it took (or has taken so far, at <paramref name="now"/>).</summary>
    public TimeSpan Elapsed(DateTimeOffset now) => (EndedAt ?? now) - StartedAt;

    internal CancellationToken WaitToken => _wait.Token;

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    /// <summary>Stops waiting: the dashboard lets go, the guest finishes what it runs.</summary>
    public void StopWaiting()
    {
        StopRequested = true;
        _wait.Cancel();
        Changed?.Invoke();
    }

    internal void Begun(long id)
    {
        AuditId = id;
        Changed?.Invoke();
    }

    internal void Step(string word, DateTimeOffset at)
    {
        lock (_gate)
        {
            _steps.Add(new GuestInstallStep(word, at));
        }

        // Past its limit the install is left to run in the guest and read again: not a failure, and the card says so.
        StillRunning = word == HyperVInstallProgress.StillRunning || (StillRunning && word != HyperVInstallProgress.Installed);
        Changed?.Invoke();
    }

    internal void End(GuestActionResult result, DateTimeOffset at)
    {
        EndedAt = at;
        StillRunning = false;
        Result = result;
        Changed?.Invoke();
    }
}

/// <summary>
/// The Hyper-V installs in guests, run here rather than in the card that asked for them: an install goes on (and its card shows
/// it again) when the card goes away while the VM restarts, when the user navigates elsewhere and back, or reloads the page.
/// The latest install per VM is kept, at most <see cref="Capacity"/> VMs (the oldest ended ones go first).
/// </summary>
public sealed class GuestInstalls(TimeProvider time)
{
    /// <summary>How many VMs' latest installs are kept.</summary>
    public const int Capacity = 200;

    /// <summary>The step shown from the first second, before the guest answers.</summary>
    public const string FirstStep = "connecting to the guest";

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Host, Guid VmId), GuestInstall> _installs = [];

    /// <summary>Raised, on any thread, when an install started (a card for a VM not shown yet may now be shown).</summary>
    public event Action<GuestInstall>? Started;

    /// <summary>The latest install in VM <paramref name="vmId"/> of <paramref name="host"/>, running or ended; null when none was asked for.</summary>
    public GuestInstall? Find(string host, Guid vmId)
    {
        lock (_gate)
        {
            return _installs.GetValueOrDefault((host.ToUpperInvariant(), vmId));
        }
    }

    /// <summary>
    /// Brings back, after the app started, each VM's latest install from the audit trail's <paramref name="entries"/> ("Install
    /// Hyper-V in guest"), so its card says how it ended ("installed … in 3 min 05 s", failed, interrupted) rather than offering
    /// a fresh button. An install started since is never replaced.
    /// </summary>
    public void Restore(IEnumerable<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_gate)
        {
            foreach (var entry in entries.Where(IsEndedInstall).OrderBy(e => e.Id))
            {
                var key = (entry.Host!.ToUpperInvariant(), entry.VmId!.Value);
                if (!_installs.TryGetValue(key, out var known) || (known.FromAudit && known.AuditId < entry.Id))
                {
                    _installs[key] = new GuestInstall(entry, ResultOf(entry));
                }
            }

            Trim();
        }
    }

    private static bool IsEndedInstall(AuditEntry entry) =>
        entry.Action == GuestSetup.InstallAction && entry.Host is not null && entry.VmId is not null
        && entry.Result is not (AuditResults.Started or AuditResults.Denied);

    private static GuestActionResult ResultOf(AuditEntry entry) => new(
        entry.Result switch
        {
            AuditResults.Succeeded => OperationOutcome.Succeeded,
            AuditResults.Refused => OperationOutcome.Refused,
            AuditResults.Canceled => OperationOutcome.Canceled,
            AuditResults.StillRunning => OperationOutcome.StillRunning,
            _ => OperationOutcome.Failed,
        },
        entry.Message ?? "",
        entry.HostError,
        null,
        null,
        []);

    /// <summary>
    /// Starts installing Hyper-V in the guest through <paramref name="guest"/> (<see cref="GuestSetup.InstallHyperVAsync"/>, audited
    /// there) and returns the install at once; the one already running for this VM when there is one. <paramref name="ask"/> is asked
    /// for credentials when none are known.
    /// </summary>
    public GuestInstall Start(GuestSetup guest, Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask)
    {
        ArgumentNullException.ThrowIfNull(guest);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(vm);
        GuestInstall install;
        lock (_gate)
        {
            var key = (host.ToUpperInvariant(), vm.Id);
            if (_installs.TryGetValue(key, out var running) && running.IsRunning)
            {
                return running;
            }

            install = new GuestInstall(host, vm, actor.Name, time.GetUtcNow());
            _installs[key] = install;
            Trim();
        }

        Started?.Invoke(install);
        _ = RunAsync(guest, install, actor, host, vm, known, ask);
        return install;
    }

    private async Task RunAsync(GuestSetup guest, GuestInstall install, Actor actor, string host, VmSnapshot vm, GuestCredential? known, GuestCredentialPrompt ask)
    {
        var progress = new Steps(word => install.Step(word, time.GetUtcNow()));
        GuestActionResult result;
        try
        {
            result = await guest.InstallHyperVAsync(actor, host, vm, known, ask, progress, install.Begun, install.WaitToken);
        }
        catch (OperationCanceledException) when (install.StopRequested)
        {
            result = new GuestActionResult(
                OperationOutcome.Canceled,
                $"Stopped waiting: Hyper-V's installation in VM '{vm.Name}' on host '{host}' is left to finish in the guest. Read the guest again later to see where it is.",
                null, null, known, []);
        }
        catch (Exception ex)
        {
            // Nothing may escape a run no page awaits: the install ends as failed, with what broke.
            result = new GuestActionResult(OperationOutcome.Failed, $"Install Hyper-V in VM '{vm.Name}' on host '{host}' could not be run.", ex.Message, null, known, []);
        }

        install.End(result, time.GetUtcNow());
    }

    // Called under _gate: the oldest ended installs go first; running ones are always kept.
    private void Trim()
    {
        var over = _installs.Count - Capacity;
        if (over <= 0)
        {
            return;
        }

        foreach (var old in _installs.Where(i => !i.Value.IsRunning).OrderBy(i => i.Value.StartedAt).Take(over).ToList())
        {
            _installs.Remove(old.Key);
        }
    }

    /// <summary>Reports on the engine's thread (Progress&lt;T&gt; would post to a context that may not be there).</summary>
    private sealed class Steps(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
