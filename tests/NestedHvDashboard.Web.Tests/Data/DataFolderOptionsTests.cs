using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NestedHvDashboard.Web.Data;

namespace NestedHvDashboard.Web.Tests.Data;

/// <summary>The <c>DataFolder</c> setting through the options system.</summary>
public sealed class DataFolderOptionsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nestedhv-datafolder-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static IConfiguration Configuration(string? folder) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [DataFolder.ConfigurationKey] = folder }).Build();

    [Fact]
    public void The_configured_folder_is_made_and_used()
    {
        var folder = Path.Combine(_root, "data");

        Assert.Equal(folder, DataFolder.Of(Configuration(folder)).Path);
        Assert.True(Directory.Exists(folder));
    }

    [Fact]
    public void Unset_is_the_default_folder() =>
        Assert.Equal(DataFolderOptions.DefaultPath, new DataFolderOptions { Path = " " }.Folder);

    [Fact]
    public void A_file_is_refused_naming_the_setting()
    {
        var file = Path.Combine(_root, "a-file");
        File.WriteAllText(file, "");

        var error = Assert.Throws<OptionsValidationException>(() => DataFolder.Of(Configuration(file)));

        Assert.Contains($"DataFolder is '{file}', which is a file", error.Message, StringComparison.Ordinal);
    }
}
