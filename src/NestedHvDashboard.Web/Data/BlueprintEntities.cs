namespace NestedHvDashboard.Web.Data;

/// <summary>A lab blueprint as stored: its JSON (the export format, so a row reads like a file) and who changed it last.</summary>
public sealed class BlueprintRow
{
    public int Id { get; set; }

    /// <summary>The blueprint's name as written.</summary>
    public required string Name { get; set; }

    /// <summary>The name upper-cased (invariant): blueprint names are unique regardless of case.</summary>
    public required string NormalizedName { get; set; }

    /// <summary>The blueprint in its JSON file format.</summary>
    public required string Json { get; set; }

    public DateTime UpdatedAt { get; set; }

    /// <summary>Who saved it last (user name).</summary>
    public required string UpdatedBy { get; set; }
}

/// <summary>One run of a blueprint: its state and its steps' progress as JSON, so it survives a restart.</summary>
public sealed class BlueprintRunRow
{
    /// <summary>The run's id.</summary>
    public Guid Id { get; set; }

    /// <summary>The blueprint's name as it was when the run started.</summary>
    public required string Blueprint { get; set; }

    /// <summary>The blueprint's name upper-cased (invariant), to find its runs.</summary>
    public required string NormalizedBlueprint { get; set; }

    public required string StartedBy { get; set; }

    public DateTime StartedAt { get; set; }

    public DateTime? EndedAt { get; set; }

    /// <summary>Running, Succeeded, Failed or Interrupted.</summary>
    public required string State { get; set; }

    /// <summary>Every step with its progress, as JSON.</summary>
    public required string Steps { get; set; }

    /// <summary>The dashboard instance that runs (or ran) it; null for runs stored before runs named theirs.</summary>
    public string? Instance { get; set; }
}
