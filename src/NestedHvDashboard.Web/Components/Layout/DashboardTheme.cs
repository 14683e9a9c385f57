using MudBlazor;

namespace NestedHvDashboard.Web.Components.Layout;

/// <summary>The dashboard's colours and type: Fluent-like, after Windows Admin Center.</summary>
public static class DashboardTheme
{
    private static readonly string[] FontFamily = ["Segoe UI", "Inter", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    /// <summary>The light and dark palettes and the font.</summary>
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#0078d4",
            Secondary = "#5c2d91",
            Info = "#0078d4",
            Success = "#107c10",
            Warning = "#c87d0a",
            Error = "#c50f1f",
            AppbarBackground = "#1b1a19",
            AppbarText = "#ffffff",
            Background = "#f3f2f1",
            Surface = "#ffffff",
            DrawerBackground = "#ffffff",
            DrawerText = "#323130",
            TextPrimary = "#201f1e",
            TextSecondary = "#605e5c",
            LinesDefault = "#e1dfdd",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#2899f5",
            Secondary = "#b4a0ff",
            Info = "#2899f5",
            Success = "#54b054",
            Warning = "#fce100",
            Error = "#f1707b",
            AppbarBackground = "#0b0b0b",
            AppbarText = "#ffffff",
            Background = "#161514",
            Surface = "#201f1e",
            DrawerBackground = "#1b1a19",
            DrawerText = "#f3f2f1",
            TextPrimary = "#f3f2f1",
            TextSecondary = "#c8c6c4",
            LinesDefault = "#3b3a39",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontFamily },
            H5 = new H5Typography { FontFamily = FontFamily, FontWeight = "600" },
            H6 = new H6Typography { FontFamily = FontFamily, FontWeight = "600" },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "4px" },
    };
}
