using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NestedHvDashboard.Core.Blueprints;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Blueprints;

/// <summary>
/// Blueprints and their runs in the dashboard's database (<see cref="BlueprintRow"/>, <see cref="BlueprintRunRow"/>): a
/// blueprint as its JSON file, a run with its steps as JSON. Names compare case-insensitively. A row that no longer reads (edited
/// by hand, say) is left out of the list and logged, never lost: saving that name again replaces it.
/// </summary>
public sealed partial class DatabaseBlueprintStore : DatabaseStore, IBlueprintStore
{
    private readonly ILogger<DatabaseBlueprintStore> _logger;
    private readonly TimeProvider _time;

    public DatabaseBlueprintStore(IDbContextFactory<DashboardDbContext> database, DatabaseSettings settings, ILogger<DatabaseBlueprintStore> logger, TimeProvider? time = null)
        : base(database, settings)
    {
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _time = time ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredBlueprint>> ListAsync(CancellationToken cancellationToken = default)
    {
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var rows = await db.Blueprints.AsNoTracking().OrderBy(b => b.NormalizedName).ToListAsync(cancellationToken).ConfigureAwait(false);
            return [.. rows.Select(ToStored).OfType<StoredBlueprint>()];
        }
        finally
        {
            Leave();
        }
    }

    /// <inheritdoc />
    public async Task<StoredBlueprint?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var key = Normalize(name);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var row = await db.Blueprints.AsNoTracking().FirstOrDefaultAsync(b => b.NormalizedName == key, cancellationToken).ConfigureAwait(false);
            return row is null ? null : ToStored(row);
        }
        finally
        {
            Leave();
        }
    }

    /// <inheritdoc />
    /// <exception cref="DatabaseSaveException">The database refused or failed; what was stored before is left as it was.</exception>
    public async Task SaveAsync(Blueprint blueprint, string changedBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(blueprint);
        var name = blueprint.Name.Trim();
        var key = Normalize(name);
        var json = BlueprintText.Export(blueprint with { Name = name }, BlueprintFormat.Json);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var row = await db.Blueprints.FirstOrDefaultAsync(b => b.NormalizedName == key, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                row = new BlueprintRow { Name = name, NormalizedName = key, Json = json, UpdatedBy = changedBy };
                db.Blueprints.Add(row);
            }

            (row.Name, row.Json, row.UpdatedBy, row.UpdatedAt) = (name, json, changedBy, _time.GetUtcNow().UtcDateTime);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            throw DatabaseSaveException.For($"blueprint '{name}'", Settings, ex);
        }
        finally
        {
            Leave();
        }
    }

    /// <inheritdoc />
    /// <exception cref="DatabaseSaveException">The database refused or failed; nothing was deleted.</exception>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var key = Normalize(name);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await db.BlueprintRuns.Where(r => r.NormalizedBlueprint == key).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            var deleted = await db.Blueprints.Where(b => b.NormalizedName == key).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return deleted > 0;
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            throw DatabaseSaveException.For($"the deletion of blueprint '{name}'", Settings, ex);
        }
        finally
        {
            Leave();
        }
    }

    /// <inheritdoc />
    /// <exception cref="DatabaseSaveException">The database refused or failed.</exception>
    public async Task SaveRunAsync(BlueprintRun run, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var steps = BlueprintRunJson.Write(run.Steps);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var row = await db.BlueprintRuns.FirstOrDefaultAsync(r => r.Id == run.Id, cancellationToken).ConfigureAwait(false);
            if (row is null)
            {
                row = new BlueprintRunRow { Id = run.Id, Blueprint = run.Blueprint, NormalizedBlueprint = Normalize(run.Blueprint), StartedBy = run.StartedBy, State = "", Steps = "" };
                db.BlueprintRuns.Add(row);
            }

            row.StartedBy = run.StartedBy;
            row.StartedAt = run.StartedAt.UtcDateTime;
            row.EndedAt = run.EndedAt?.UtcDateTime;
            row.State = run.State.ToString();
            row.Steps = steps;
            row.Instance = run.Instance ?? row.Instance;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (DatabaseSaveException.IsDatabaseError(ex))
        {
            throw DatabaseSaveException.For($"the run of blueprint '{run.Blueprint}'", Settings, ex);
        }
        finally
        {
            Leave();
        }
    }

    /// <inheritdoc />
    public async Task<BlueprintRun?> LastRunAsync(string name, CancellationToken cancellationToken = default)
    {
        var key = Normalize(name);
        await EnterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var db = await Database.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
            var row = await db.BlueprintRuns.AsNoTracking().Where(r => r.NormalizedBlueprint == key)
                .OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            return row is null ? null : ToRun(row);
        }
        finally
        {
            Leave();
        }
    }

    private static string Normalize(string name) => (name ?? throw new ArgumentNullException(nameof(name))).Trim().ToUpperInvariant();

    private StoredBlueprint? ToStored(BlueprintRow row)
    {
        var read = BlueprintText.Parse(row.Json);
        if (read.Blueprint is null)
        {
            LogUnreadable(row.Name, Settings.Description, string.Join(" ", read.Problems));
            return null;
        }

        return new StoredBlueprint(read.Blueprint, new DateTimeOffset(row.UpdatedAt, TimeSpan.Zero), row.UpdatedBy);
    }

    private BlueprintRun? ToRun(BlueprintRunRow row)
    {
        try
        {
            var state = Enum.Parse<BlueprintRunState>(row.State);
            return new BlueprintRun(row.Id, row.Blueprint, row.StartedBy, new DateTimeOffset(row.StartedAt, TimeSpan.Zero),
                row.EndedAt is { } ended ? new DateTimeOffset(ended, TimeSpan.Zero) : null, state, BlueprintRunJson.Read(row.Steps), row.Instance);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException)
        {
            LogUnreadable(row.Blueprint, Settings.Description, $"run {row.Id}: {ex.Message}");
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Blueprint '{Name}' in the {Database} could not be read and is left out: {Problem}")]
    private partial void LogUnreadable(string name, string database, string problem);
}
