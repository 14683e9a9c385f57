using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Access;

/// <summary>
/// At start-up: the three roles exist, and when there is no user at all, <c>admin</c> is created as Administrator.
/// Its password is <c>Auth:BootstrapAdminPassword</c>, the content of the file <c>Auth:BootstrapAdminPasswordFile</c> names,
/// or one generated and printed once to the console (never logged).
/// </summary>
public sealed partial class FirstAdministrator(
    UserManager<DashboardUser> users,
    RoleManager<IdentityRole> roles,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<FirstAdministrator> logger) : IDatabaseStartupStep
{
    /// <summary>The first administrator's user name.</summary>
    public const string UserName = "admin";

    /// <summary>The setting that gives its password.</summary>
    public const string PasswordSetting = "Auth:BootstrapAdminPassword";

    /// <summary>The setting that names a file whose content is that password (kept out of the command line, so out of <c>ps</c>).</summary>
    public const string PasswordFileSetting = "Auth:BootstrapAdminPasswordFile";

    /// <summary>The setting that, when true at a start, gives <c>admin</c> a new password (printed once), unlocks it and makes it an Administrator again.</summary>
    public const string ResetSetting = "Auth:ResetAdminPassword";

    /// <summary>Where the generated password goes; the console by default (a test can capture it).</summary>
    public static TextWriter Console { get; set; } = System.Console.Out;

    /// <inheritdoc />
    public int Order => 100;

    /// <inheritdoc />
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var role in DashboardRoles.All)
        {
            if (!await roles.RoleExistsAsync(role).ConfigureAwait(false))
            {
                Check(await roles.CreateAsync(new IdentityRole(role)).ConfigureAwait(false), $"create the role {role}");
            }
        }

        if (configuration.GetValue<bool>(ResetSetting))
        {
            await ResetAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        if (users.Users.Any())
        {
            return;
        }

        var configured = ConfiguredPassword(configuration);
        var password = configured ?? Generate();
        var admin = new DashboardUser { UserName = UserName, CreatedAt = time.GetUtcNow().UtcDateTime, Source = "Local" };
        var created = await users.CreateAsync(admin, password).ConfigureAwait(false);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException(
                $"The first administrator '{UserName}' could not be created: the password from {SourceOf(configuration)} is not accepted ({string.Join(" ", created.Errors.Select(e => e.Description))})");
        }

        Check(await users.AddToRoleAsync(admin, DashboardRoles.Administrator).ConfigureAwait(false), $"make '{UserName}' an Administrator");
        if (configured is null)
        {
            // A generated password was printed to a console (often a service's journal): it is changed at the first sign-in.
            // One from a file or a setting is the operator's own choice and is kept.
            Check(await InitialPassword.RequireChangeAsync(users, admin).ConfigureAwait(false), $"ask '{UserName}' to change the generated password");
            await Console.WriteLineAsync($"""

                ==================================================================
                 NestedHv Dashboard: the first administrator was created.
                   user name: {UserName}
                   password:  {password}
                 This is shown once. Sign in: it asks for a new one (or set
                 {PasswordSetting} before the first start).
                ==================================================================

                """).ConfigureAwait(false);
            await Console.FlushAsync(cancellationToken).ConfigureAwait(false);
            LogCreated(logger, UserName, "generated and printed once to the console");
        }
        else
        {
            LogCreated(logger, UserName, $"from {SourceOf(configuration)}");
        }
    }

    /// <summary>
    /// The first administrator's password from <see cref="PasswordSetting"/> or the file <see cref="PasswordFileSetting"/>
    /// names (its content, without the line end an editor or <c>echo</c> adds), or null when neither is set. A missing,
    /// unreadable or empty file, or both settings at once, stop the start with a message naming the setting and the file.
    /// </summary>
    public static string? ConfiguredPassword(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var password = configuration[PasswordSetting];
        var file = configuration[PasswordFileSetting];
        if (string.IsNullOrEmpty(file))
        {
            return string.IsNullOrEmpty(password) ? null : password;
        }

        if (!string.IsNullOrEmpty(password))
        {
            throw new InvalidOperationException(
                $"Both {PasswordSetting} and {PasswordFileSetting} are set; set only one (the file keeps the password off the command line).");
        }

        string content;
        try
        {
            content = File.ReadAllText(file);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new InvalidOperationException(
                $"{PasswordFileSetting} names '{file}', which does not exist; write the first administrator's password (12+ characters) into it, or remove the setting.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidOperationException($"{PasswordFileSetting} names '{file}', which could not be read: {e.Message}", e);
        }

        var fromFile = content.TrimEnd('\r', '\n');
        return fromFile.Length > 0
            ? fromFile
            : throw new InvalidOperationException(
                $"{PasswordFileSetting} names '{file}', which is empty; write the first administrator's password (12+ characters) into it, or remove the setting.");
    }

    private static string SourceOf(IConfiguration configuration) =>
        string.IsNullOrEmpty(configuration[PasswordFileSetting]) ? PasswordSetting : $"{PasswordFileSetting} ('{configuration[PasswordFileSetting]}')";

    /// <summary>The way back in when the first password was lost: a new password for <c>admin</c>, printed once.</summary>
    private async Task ResetAsync(CancellationToken cancellationToken)
    {
        var password = Generate();
        var admin = await users.FindByNameAsync(UserName).ConfigureAwait(false);
        if (admin is null)
        {
            admin = new DashboardUser { UserName = UserName, CreatedAt = time.GetUtcNow().UtcDateTime, Source = "Local" };
            Check(await users.CreateAsync(admin, password).ConfigureAwait(false), $"create '{UserName}'");
        }
        else
        {
            Check(await users.RemovePasswordAsync(admin).ConfigureAwait(false), $"clear the password of '{UserName}'");
            Check(await users.AddPasswordAsync(admin, password).ConfigureAwait(false), $"set a new password for '{UserName}'");
            Check(await users.SetLockoutEndDateAsync(admin, null).ConfigureAwait(false), $"unlock '{UserName}'");
            Check(await users.ResetAccessFailedCountAsync(admin).ConfigureAwait(false), $"reset the failed sign-ins of '{UserName}'");
        }

        if (!await users.IsInRoleAsync(admin, DashboardRoles.Administrator).ConfigureAwait(false))
        {
            Check(await users.AddToRoleAsync(admin, DashboardRoles.Administrator).ConfigureAwait(false), $"make '{UserName}' an Administrator");
        }

        Check(await InitialPassword.RequireChangeAsync(users, admin).ConfigureAwait(false), $"ask '{UserName}' to change the generated password");

        await Console.WriteLineAsync($"""

            ==================================================================
             NestedHv Dashboard: {ResetSetting} is set, so '{UserName}' has a new
             password (and is unlocked and an Administrator):
               password:  {password}
             This is shown once. Remove the setting before the next start.
            ==================================================================

            """).ConfigureAwait(false);
        await Console.FlushAsync(cancellationToken).ConfigureAwait(false);
        LogReset(logger, UserName, ResetSetting);
    }

    /// <summary>A password the default rules accept: 24 random URL-safe characters plus one of each required kind.</summary>
    private static string Generate()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        var chars = new char[24];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return $"{new string(chars)}-Aa7";
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }

    [LoggerMessage(EventId = 7201, Level = LogLevel.Warning, Message = "'{UserName}' was given a new password (printed once to the console) because {Setting} is set; remove the setting")]
    private static partial void LogReset(ILogger logger, string userName, string setting);

    [LoggerMessage(EventId = 7200, Level = LogLevel.Warning, Message = "Created the first administrator '{UserName}'; password {PasswordSource}")]
    private static partial void LogCreated(ILogger logger, string userName, string passwordSource);
}
