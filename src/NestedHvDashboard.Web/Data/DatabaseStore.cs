using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace NestedHvDashboard.Web.Data;

/// <summary>
/// What every store kept in the dashboard's database shares (hosts, guest credentials, pending changes): the database, its
/// settings (whose description names it in messages), and one reader or writer at a time, awaited
/// (<see cref="EnterAsync"/>, then <see cref="Leave"/> in a <c>finally</c>): a caller on a Blazor circuit never blocks a
/// thread on another's database work.
/// </summary>
public abstract class DatabaseStore : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    protected DatabaseStore(IDbContextFactory<DashboardDbContext> database, DatabaseSettings settings)
    {
        Database = database ?? throw new ArgumentNullException(nameof(database));
        Settings = settings ?? throw new ArgumentNullException(nameof(settings));
    }

    /// <summary>Makes the context of each unit of work.</summary>
    protected IDbContextFactory<DashboardDbContext> Database { get; }

    /// <summary>The database's settings.</summary>
    protected DatabaseSettings Settings { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Waits, without blocking a thread, until no other reader or writer is in.</summary>
    protected Task EnterAsync(CancellationToken cancellationToken) => _gate.WaitAsync(cancellationToken);

    /// <summary>Lets the next reader or writer in; once for each <see cref="EnterAsync"/> that returned.</summary>
    protected void Leave() => _gate.Release();

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }
    }
}

/// <summary>
/// A <see cref="DatabaseStore"/> that keeps passwords, encrypted with ASP.NET Core Data Protection under its own purpose
/// (<see cref="Passwords"/>), and stamps its rows with <see cref="Time"/>'s clock.
/// </summary>
public abstract class PasswordDatabaseStore : DatabaseStore
{
    protected PasswordDatabaseStore(
        IDbContextFactory<DashboardDbContext> database, DatabaseSettings settings, IDataProtectionProvider protection, string passwordPurpose, TimeProvider? time)
        : base(database, settings)
    {
        ArgumentNullException.ThrowIfNull(protection);
        Passwords = protection.CreateProtector(passwordPurpose);
        Time = time ?? TimeProvider.System;
    }

    /// <summary>Encrypts and decrypts the store's passwords.</summary>
    protected IDataProtector Passwords { get; }

    /// <summary>The clock of the rows' UpdatedAt.</summary>
    protected TimeProvider Time { get; }
}
