using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NestedHvDashboard.Web.Audit;

namespace NestedHvDashboard.Web.Data;

/// <summary>
/// The dashboard's database: users and roles (Identity), hosts, guest credentials, pending changes, the audit
/// trail, API tokens, wall links and lab blueprints with their runs, and in cluster mode the Data Protection keys the instances
/// share. One model; a subclass per provider carries that provider's migrations.
/// </summary>
public abstract class DashboardDbContext(DbContextOptions options) : IdentityDbContext<DashboardUser>(options), IDataProtectionKeyContext
{
    public DbSet<StoredHost> Hosts => Set<StoredHost>();

    public DbSet<StoredGuestCredential> GuestCredentials => Set<StoredGuestCredential>();

    public DbSet<StoredPendingChange> PendingChanges => Set<StoredPendingChange>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();

    public DbSet<WallLink> WallLinks => Set<WallLink>();

    public DbSet<BlueprintRow> Blueprints => Set<BlueprintRow>();

    public DbSet<BlueprintRunRow> BlueprintRuns => Set<BlueprintRunRow>();

    /// <summary>The Data Protection key ring in cluster mode (a single instance keeps its keys in the data folder's <c>keys/</c>).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);

        // Every time is UTC: PostgreSQL's timestamptz wants Kind=Utc, SQLite gives Kind=Unspecified back.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);

        builder.Entity<StoredHost>(e =>
        {
            e.Property(h => h.Name).HasMaxLength(256);
            e.Property(h => h.NormalizedName).HasMaxLength(256);
            e.HasIndex(h => h.NormalizedName).IsUnique();
            e.ComplexProperty(h => h.Settings, StoredHostSettingsJson.Map);
        });

        builder.Entity<StoredGuestCredential>(e =>
        {
            e.Property(c => c.NormalizedHostName).HasMaxLength(256);
            e.Property(c => c.UserName).HasMaxLength(256);
            e.HasIndex(c => new { c.NormalizedHostName, c.VmId }).IsUnique();
        });

        builder.Entity<StoredPendingChange>(e =>
        {
            e.Property(c => c.HostName).HasMaxLength(256);
            e.Property(c => c.NormalizedHostName).HasMaxLength(256);
            e.Property(c => c.VmName).HasMaxLength(256);
            e.Property(c => c.RequestedBy).HasMaxLength(256);
            e.HasIndex(c => new { c.NormalizedHostName, c.VmId }).IsUnique();
        });

        builder.Entity<AuditEntry>(e =>
        {
            e.Property(a => a.Actor).HasMaxLength(256);
            e.Property(a => a.Role).HasMaxLength(64);
            e.Property(a => a.Channel).HasMaxLength(32);
            e.Property(a => a.RemoteAddress).HasMaxLength(64);
            e.Property(a => a.Host).HasMaxLength(AuditColumns.Host);
            e.Property(a => a.VmName).HasMaxLength(AuditColumns.VmName);
            e.Property(a => a.Action).HasMaxLength(AuditColumns.Action);
            e.Property(a => a.Result).HasMaxLength(32);
            e.Property(a => a.RepeatCount).HasDefaultValue(1);
            e.HasIndex(a => a.StartedAt);
            e.HasIndex(a => a.Host);
            e.HasIndex(a => a.Actor);
            e.HasIndex(a => a.CorrelationId);
            e.Property(a => a.Instance).HasMaxLength(100);
            e.HasIndex(a => new { a.Result, a.Instance });
        });

        builder.Entity<ApiToken>(e =>
        {
            e.Property(t => t.Name).HasMaxLength(128);
            e.Property(t => t.Hash).HasMaxLength(64);
            e.Property(t => t.Prefix).HasMaxLength(16);
            e.HasIndex(t => t.Hash).IsUnique();
            e.HasOne(t => t.User).WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<WallLink>(e =>
        {
            e.Property(l => l.Name).HasMaxLength(128);
            e.Property(l => l.Hash).HasMaxLength(64);
            e.Property(l => l.Prefix).HasMaxLength(16);
            e.Property(l => l.Tag).HasMaxLength(128);
            e.Property(l => l.CreatedBy).HasMaxLength(256);
            e.HasIndex(l => l.Hash).IsUnique();
        });

        builder.Entity<BlueprintRow>(e =>
        {
            e.Property(b => b.Name).HasMaxLength(128);
            e.Property(b => b.NormalizedName).HasMaxLength(128);
            e.Property(b => b.UpdatedBy).HasMaxLength(256);
            e.HasIndex(b => b.NormalizedName).IsUnique();
        });

        builder.Entity<BlueprintRunRow>(e =>
        {
            e.Property(r => r.Blueprint).HasMaxLength(128);
            e.Property(r => r.NormalizedBlueprint).HasMaxLength(128);
            e.Property(r => r.StartedBy).HasMaxLength(256);
            e.Property(r => r.State).HasMaxLength(32);
            e.HasIndex(r => new { r.NormalizedBlueprint, r.StartedAt });
            e.Property(r => r.Instance).HasMaxLength(100);
        });
    }
}

/// <summary>Stores times as UTC and reads them back as UTC.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

/// <summary>The model on SQLite (the default: a file in the data folder).</summary>
public sealed class SqliteDashboardDbContext(DbContextOptions<SqliteDashboardDbContext> options) : DashboardDbContext(options);

/// <summary>The model on PostgreSQL (<c>Database:Provider</c> = PostgreSQL, <c>ConnectionStrings:Dashboard</c>).</summary>
public sealed class PostgresDashboardDbContext(DbContextOptions<PostgresDashboardDbContext> options) : DashboardDbContext(options);
