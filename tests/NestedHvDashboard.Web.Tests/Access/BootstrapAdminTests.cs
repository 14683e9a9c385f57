using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using NestedHvDashboard.Web.Access;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Access;

/// <summary>The first administrator when <c>Auth:BootstrapAdminPassword</c> is unset: a generated password, printed once.</summary>
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

    [GeneratedRegex(@"password:\s+(\S+)")]
    private static partial Regex PrintedPassword();
}
