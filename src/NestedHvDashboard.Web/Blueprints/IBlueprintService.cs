using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Core.Networking;
using NestedHvDashboard.Web.Access;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// Lab blueprints: stored in the database, parsed from and exported to YAML or JSON, reviewed against the hosts as they
/// are, applied step by step (audited, resumable after a failure or a restart), and compared with the lab afterwards
/// (drift). The pages, the REST API and the hub all go through this service.
/// </summary>
public interface IBlueprintService
{
    /// <summary>The stored blueprints, by name, with their last run's state and their drift count.</summary>
    Task<IReadOnlyList<BlueprintSummary>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The stored blueprint <paramref name="name"/>, or null.</summary>
    Task<Blueprint?> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Reads a blueprint from YAML or JSON (told apart by the text); problems name the path and line.</summary>
    BlueprintParseResult Parse(string text);

    /// <summary>Writes <paramref name="blueprint"/> as YAML or JSON, so that <see cref="Parse"/> reads it back equal.</summary>
    string Export(Blueprint blueprint, BlueprintFormat format);

    /// <summary>Stores (adds or replaces) a blueprint whose shape is valid (Operator role, audited); refused with its problems otherwise.</summary>
    Task<BlueprintChangeResult> SaveAsync(Actor actor, Blueprint blueprint, CancellationToken cancellationToken = default);

    /// <summary>Deletes a stored blueprint (Operator role, audited); the lab it built is left as it is.</summary>
    Task<BlueprintChangeResult> DeleteAsync(Actor actor, string name, CancellationToken cancellationToken = default);

    /// <summary>Validates <paramref name="blueprint"/> against the hosts as they are now, and lists every step with its exact commands.</summary>
    Task<BlueprintReview> ReviewAsync(Blueprint blueprint, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts applying the stored blueprint <paramref name="name"/> in the background (Operator role), or resumes its last
    /// unfinished run from the first step not done. Steps already true of the lab are skipped as done. Refused (with the
    /// reason) when a run of it is going, when the review has problems, or when a guest credential is missing.
    /// </summary>
    Task<BlueprintChangeResult> ApplyAsync(Actor actor, string name, BlueprintCredentials credentials, CancellationToken cancellationToken = default);

    /// <summary>The last run of blueprint <paramref name="name"/> (going or ended, also after an app restart), or null.</summary>
    BlueprintRun? LastRun(string name);

    /// <summary>Raised (on any thread) when a run's step changes; the argument is the blueprint's name.</summary>
    event Action<string>? RunChanged;

    /// <summary>How the lab differs from blueprint <paramref name="name"/> now (empty: no drift, or never applied).</summary>
    IReadOnlyList<BlueprintDrift> Drift(string name);

    /// <summary>Every applied blueprint's drift, for the overview, the wall and the host page.</summary>
    IReadOnlyList<BlueprintDrift> AllDrift();

    /// <summary>Raised (on any thread) when any blueprint's drift changes.</summary>
    event Action? DriftChanged;

    /// <summary>
    /// Blueprint <paramref name="name"/>'s L1 guests as drift last read them: when each answered, or "not checked: …" and why
    /// (no remembered credential, the L1 off, the read failed), so a page can say which drift is not known.
    /// </summary>
    IReadOnlyList<BlueprintDriftCheck> DriftChecks(string name) => [];
}

/// <summary>A stored blueprint in the list.</summary>
public sealed record BlueprintSummary(string Name, string? Description, int L1Count, int L2Count, DateTimeOffset UpdatedAt, string UpdatedBy, BlueprintRunState? LastRunState, int DriftCount);

/// <summary>What <see cref="IBlueprintService.Parse"/> read: the blueprint, or the problems that kept it from being read.</summary>
public sealed record BlueprintParseResult(Blueprint? Blueprint, BlueprintFormat Format, IReadOnlyList<BlueprintProblem> Problems)
{
    /// <summary>True when the text was read with no problem.</summary>
    public bool IsValid => Blueprint is not null && Problems.Count == 0;
}

/// <summary>The outcome of a save, delete or apply: done, or refused with the reason and the problems.</summary>
public sealed record BlueprintChangeResult(bool Succeeded, string Message, IReadOnlyList<BlueprintProblem> Problems);

/// <summary>The guest administrator accounts apply signs in with over PowerShell Direct: the L1 guests', then the L2 guests' (null: the L1's).</summary>
/// <param name="L1Guests">The L1 guests' account (an empty user name: each L1's remembered credential).</param>
/// <param name="L2Guests">The L2 guests' account; null: the L1's.</param>
/// <param name="Remember">True to remember the L1 account per L1 (GuestCredentialStore, Administrator role) once its guest accepted it.</param>
public sealed record BlueprintCredentials(GuestCredential L1Guests, GuestCredential? L2Guests, bool Remember = false);

/// <summary>A blueprint checked against the hosts as they are: the problems that block applying it, and every step it would run.</summary>
public sealed record BlueprintReview(IReadOnlyList<BlueprintProblem> Problems, IReadOnlyList<BlueprintStep> Steps)
{
    /// <summary>True when it can be applied.</summary>
    public bool CanApply => Problems.Count == 0;
}

/// <summary>What a blueprint step does.</summary>
public enum BlueprintStepKind
{
    /// <summary>New-VM and its settings on the L1's host.</summary>
    CreateL1,

    /// <summary>Set-VMProcessor -ExposeVirtualizationExtensions $true.</summary>
    EnableNested,

    /// <summary>The companion fixes: static memory, MAC spoofing for the external-switch option.</summary>
    CompanionFixes,

    /// <summary>Start-VM on the L1.</summary>
    StartL1,

    /// <summary>Install Hyper-V inside the L1 and restart it.</summary>
    InstallHyperV,

    /// <summary>The NAT network or the external switch inside the L1.</summary>
    Networking,

    /// <summary>New-VM inside the L1, on the L1's switch, and Start-VM.</summary>
    CreateL2,

    /// <summary>The static address, gateway and DNS inside the L2 guest.</summary>
    ApplyAddress,

    /// <summary>Test-NetConnection / Resolve-DnsName from inside the L2.</summary>
    TestConnectivity,
}

/// <summary>One step: which VM (L1, and L2 when it is about one), what it does, and the exact commands it runs where.</summary>
/// <param name="Index">Its place in the run, from 0.</param>
/// <param name="Kind">What it does.</param>
/// <param name="Host">The L1's host.</param>
/// <param name="L1">The L1's name.</param>
/// <param name="L2">The L2's name, or null.</param>
/// <param name="Title">What a user reads, for example "Create L1 'lab-a' on HV-LAB-01".</param>
/// <param name="Commands">The exact commands with their parameters, where they run ("on HV-LAB-01", "in lab-a", "in lab-a → in lab-a-web").</param>
/// <param name="AlreadyDone">True when the review found the lab already so (the runner re-checks it and skips it as done).</param>
public sealed record BlueprintStep(int Index, BlueprintStepKind Kind, string Host, string L1, string? L2, string Title, IReadOnlyList<BlueprintCommand> Commands, bool AlreadyDone = false);

/// <summary>A command of a step and where it runs.</summary>
public sealed record BlueprintCommand(string Where, PlannedCommand Command);

/// <summary>Where a run is.</summary>
public enum BlueprintRunState
{
    /// <summary>Steps are running.</summary>
    Running,

    /// <summary>Every step is done.</summary>
    Succeeded,

    /// <summary>A step failed; apply again to resume from it.</summary>
    Failed,

    /// <summary>The app stopped during the run; apply again to resume.</summary>
    Interrupted,
}

/// <summary>Where a step is in a run.</summary>
public enum BlueprintStepState
{
    /// <summary>Not reached yet.</summary>
    Pending,

    /// <summary>Running now.</summary>
    Running,

    /// <summary>Done (also when the lab already was so: <see cref="BlueprintStepProgress.Skipped"/>).</summary>
    Done,

    /// <summary>Failed with the host's or guest's words.</summary>
    Failed,
}

/// <summary>One step's progress in a run.</summary>
public sealed record BlueprintStepProgress(BlueprintStep Step, BlueprintStepState State, string? Message, bool Skipped, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);

/// <summary>
/// A run of a blueprint: who started it, its state and each step's progress, and the dashboard instance that runs it (null
/// for runs stored before runs named theirs). Kept in the database, so it survives a restart.
/// </summary>
public sealed record BlueprintRun(Guid Id, string Blueprint, string StartedBy, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, BlueprintRunState State, IReadOnlyList<BlueprintStepProgress> Steps, string? Instance = null);

/// <summary>What kind of difference drift found.</summary>
public enum BlueprintDriftKind
{
    /// <summary>An L1 VM is gone from its host.</summary>
    L1Missing,

    /// <summary>An L1 runs with nested virtualization off.</summary>
    NestedOff,

    /// <summary>The external-switch option's MAC spoofing is off on the L1.</summary>
    MacSpoofingOff,

    /// <summary>The NAT network or the switch inside the L1 is gone.</summary>
    NetworkMissing,

    /// <summary>An L2 VM is gone from its L1.</summary>
    L2Missing,

    /// <summary>An L2's address differs from the blueprint's.</summary>
    AddressChanged,
}

/// <summary>One difference between a blueprint and the lab, in words a user acts on.</summary>
public sealed record BlueprintDrift(string Blueprint, BlueprintDriftKind Kind, string Host, string L1, string? L2, string Message, DateTimeOffset Since);
