using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Data;
namespace NestedHvDashboard.Web.Tests.Data;

public sealed class DatabaseSettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nestedhv-settings-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    // As the app reads them: the options system with the app's validator.
    private DatabaseSettings Read(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddSingleton(new DataFolder(_folder)).AddDashboardDatabase().BuildServiceProvider();
        return services.GetRequiredService<DatabaseSettings>();
    }

    private static string DataSource(DatabaseSettings settings) => new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(settings.ConnectionString).DataSource;

    [Fact]
    public void Nothing_set_is_a_sqlite_file_in_the_data_folder()
    {
        var settings = Read();

        Assert.Equal(DatabaseProvider.Sqlite, settings.Provider);
        Assert.Equal(Path.Combine(_folder, "dashboard.db"), DataSource(settings));
        Assert.Contains(Path.Combine(_folder, "dashboard.db"), settings.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sqlite_file_and_its_journal_are_readable_by_the_dashboards_account_only()
    {
        var settings = Read();
        TestStores.Migrated(settings);

        Assert.True(File.Exists(Path.Combine(_folder, "dashboard.db")));
        if (!OperatingSystem.IsWindows())
        {
            var files = Directory.GetFiles(_folder, "dashboard.db*");
            Assert.NotEmpty(files);
            foreach (var file in files)
            {
                Assert.Equal((file, UnixFileMode.UserRead | UnixFileMode.UserWrite), (file, File.GetUnixFileMode(file)));
            }
        }
    }

    [Fact]
    public void Database_path_is_relative_to_the_data_folder_and_its_folder_is_created()
    {
        var settings = Read(("Database:Provider", "sqlite"), ("Database:Path", Path.Combine("db", "team.db")));

        Assert.Equal(Path.Combine(_folder, "db", "team.db"), DataSource(settings));
        Assert.True(Directory.Exists(Path.Combine(_folder, "db")));
    }

    [Fact]
    public void An_absolute_database_path_is_used_as_it_is()
    {
        var file = Path.Combine(_folder, "elsewhere", "x.db");

        Assert.Equal(file, DataSource(Read(("Database:Path", file))));
    }

    [Fact]
    public void A_sqlite_connection_string_wins_over_the_path()
    {
        var file = Path.Combine(_folder, "from-connection-string.db");

        var settings = Read(("Database:Path", "ignored.db"), ("ConnectionStrings:Dashboard", $"Data Source={file}"));

        Assert.Equal(file, DataSource(settings));
    }

    [Theory]
    [InlineData("PostgreSQL")]
    [InlineData("postgres")]
    [InlineData("Npgsql")]
    public void PostgreSQL_takes_the_connection_string_and_describes_it_without_the_password(string provider)
    {
        var settings = Read(("Database:Provider", provider), ("ConnectionStrings:Dashboard", "Host=db.lab.example;Port=5433;Database=nestedhv;Username=dash;Password=Pg-S3cret"));

        Assert.Equal(DatabaseProvider.PostgreSql, settings.Provider);
        Assert.Contains("Password=Pg-S3cret", settings.ConnectionString, StringComparison.Ordinal);
        Assert.Equal("PostgreSQL database 'nestedhv' on db.lab.example:5433", settings.Description);
        Assert.DoesNotContain("S3cret", settings.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_provider_is_named_in_the_error()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(("Database:Provider", "MySql")));

        Assert.Contains("Database:Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("'MySql'", error.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSQL_without_a_connection_string_names_the_setting_to_set()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(("Database:Provider", "PostgreSQL")));

        Assert.Contains("ConnectionStrings:Dashboard", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_setting_that_cannot_work_is_named_at_once()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(("Database:Provider", "MySql"), ("Database:BusyTimeout", "forever")));

        Assert.Equal(2, error.Failures.Count());
        Assert.Contains("Database:Provider is 'MySql'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Database:BusyTimeout is 'forever'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSQL_without_a_connection_string_and_a_busy_timeout_too_long_are_both_named()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read(("Database:Provider", "PostgreSQL"), ("Database:BusyTimeout", "01:00:00")));

        Assert.Contains("ConnectionStrings:Dashboard is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("Database:BusyTimeout is '01:00:00'", error.Message, StringComparison.Ordinal);
    }
}
