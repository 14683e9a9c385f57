using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>
/// The first administrator's password: generated and printed once when nothing is configured, or from
/// <c>Auth:BootstrapAdminPassword</c> (an environment variable keeps it out of <c>ps</c>) or <c>Auth:BootstrapAdminPasswordFile</c>.
/// </summary>
public sealed partial class BootstrapAdminTests
{
    [Fact]
    public async Task Without_the_setting_a_password_is_generated_printed_once_works_and_is_never_logged()
    {
        var folder = Directory.CreateTempSubdirectory("nestedhv-bootstrap-").FullName;
        var settings = new Dictionary<string, string?> { ["DataFolder"] = folder, [FirstAdministrator.PasswordSetting] = "" };
        var console = FirstAdministrator.Console;
        try
        {
            using var first = new StringWriter();
            FirstAdministrator.Console = first;
            string password;
            await using (var server = await DashboardServer.StartAsync(settings))
            {
                var printed = PrintedPassword().Matches(first.ToString());
                password = Assert.Single(printed).Groups[1].Value;
                Assert.True(password.Length >= 12, $"the generated password '{password}' is short");
                Assert.NotEqual(DashboardServer.AdminPassword, password);

                using var admin = await server.SignedInClientAsync(FirstAdministrator.UserName, password);
                Assert.DoesNotContain(server.LogLines, line => line.Contains(password, StringComparison.Ordinal));
            }

            // The same data folder again: the administrator exists, so nobody is created and nothing is printed.
            using var second = new StringWriter();
            FirstAdministrator.Console = second;
            await using (var again = await DashboardServer.StartAsync(settings))
            {
                Assert.Equal("", second.ToString());
                await using var scope = again.Services.CreateAsyncScope();
                var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
                Assert.Equal([FirstAdministrator.UserName], users.Users.Select(u => u.UserName).ToList());
                using var admin = await again.SignedInClientAsync(FirstAdministrator.UserName, password);
                Assert.DoesNotContain(again.LogLines, line => line.Contains("Created the first administrator", StringComparison.Ordinal));
            }
        }
        finally
        {
            FirstAdministrator.Console = console;
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // SQLite's pool may still hold the file; the temp folder's cleanup takes it.
            }
        }
    }

    [Fact]
    public async Task A_password_file_gives_the_first_password_without_printing_it()
    {
        var folder = Directory.CreateTempSubdirectory("nestedhv-bootstrap-file-").FullName;
        var file = Path.Combine(folder, "admin-password");
        // As `echo 'Pass-From-A-File-7' > file` writes it: the line end is not part of the password.
        await File.WriteAllTextAsync(file, "Pass-From-A-File-7\n");
        var console = FirstAdministrator.Console;
        try
        {
            using var printed = new StringWriter();
            FirstAdministrator.Console = printed;
            await using var server = await DashboardServer.StartAsync(new Dictionary<string, string?>
            {
                ["DataFolder"] = folder,
                [FirstAdministrator.PasswordSetting] = "",
                [FirstAdministrator.PasswordFileSetting] = file,
            });

            using var admin = await server.SignedInClientAsync(FirstAdministrator.UserName, "Pass-From-A-File-7");
            Assert.Equal("", printed.ToString());
            Assert.Contains(server.LogLines, l => l.Contains($"from {FirstAdministrator.PasswordFileSetting}", StringComparison.Ordinal));
            Assert.DoesNotContain(server.LogLines, l => l.Contains("Pass-From-A-File-7", StringComparison.Ordinal));
        }
        finally
        {
            FirstAdministrator.Console = console;
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // SQLite's pool may still hold the file; the temp folder's cleanup takes it.
            }
        }
    }

    [Fact]
    public void A_password_file_that_is_missing_is_named_in_the_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"nestedhv-no-such-file-{Guid.NewGuid():N}");

        var error = Assert.Throws<InvalidOperationException>(() => FirstAdministrator.ConfiguredPassword(Settings((FirstAdministrator.PasswordFileSetting, missing))));

        Assert.Contains(FirstAdministrator.PasswordFileSetting, error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void A_password_file_that_is_empty_is_named_in_the_error(string content)
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, content);

            var error = Assert.Throws<InvalidOperationException>(() => FirstAdministrator.ConfiguredPassword(Settings((FirstAdministrator.PasswordFileSetting, file))));

            Assert.Contains(FirstAdministrator.PasswordFileSetting, error.Message, StringComparison.Ordinal);
            Assert.Contains(file, error.Message, StringComparison.Ordinal);
            Assert.Contains("is empty", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void The_password_and_a_password_file_together_are_refused_naming_both()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FirstAdministrator.ConfiguredPassword(Settings(
            (FirstAdministrator.PasswordSetting, "Bootstrap-Admin-Pass-1"), (FirstAdministrator.PasswordFileSetting, "/run/secrets/admin"))));

        Assert.Contains(FirstAdministrator.PasswordSetting, error.Message, StringComparison.Ordinal);
        Assert.Contains(FirstAdministrator.PasswordFileSetting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_environment_variable_form_of_the_setting_reaches_the_first_password()
    {
        // Auth__BootstrapAdminPassword as the app's configuration reads environment variables ("__" is ":"); a prefix of
        // this test's own keeps the variable away from the other tests' apps in this process.
        var prefix = $"NESTEDHV_TEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Auth__BootstrapAdminPassword", "Pass-From-The-Environment-1");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            Assert.Equal("Pass-From-The-Environment-1", FirstAdministrator.ConfiguredPassword(configuration));
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Auth__BootstrapAdminPassword", null);
        }
    }

    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [GeneratedRegex(@"password:\s+(\S+)")]
    private static partial Regex PrintedPassword();
}
