using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace NestedHvDashboard.Web.Data;

/// <summary>
/// A save to the database failed and nothing of it was kept. An <see cref="IOException"/>, so the pages that
/// reported a file that could not be written report this too; the message names what, where and the database's reason.
/// </summary>
public sealed class DatabaseSaveException : IOException
{
    public DatabaseSaveException()
    {
    }

    public DatabaseSaveException(string message)
        : base(message)
    {
    }

    public DatabaseSaveException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True for the errors a failed read or write of the database raises (not programming errors).</summary>
    public static bool IsDatabaseError(Exception error) =>
        error is DbException or DbUpdateException or TimeoutException
        || (error is InvalidOperationException && error.InnerException is DbException or TimeoutException or IOException);

    /// <summary>"Could not save <paramref name="what"/> to <paramref name="database"/>: reason", the reason being the innermost error's (the database's own words).</summary>
    public static DatabaseSaveException For(string what, DatabaseSettings database, Exception error)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(error);
        var reason = error;
        while (reason.InnerException is not null)
        {
            reason = reason.InnerException;
        }

        return new DatabaseSaveException($"Could not save {what} to the {database.Description}: {reason.Message}", error);
    }
}
