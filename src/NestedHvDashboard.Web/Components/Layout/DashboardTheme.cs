using MudBlazor;

namespace NestedHvDashboard.Web.Components.Layout;

/// <summary>
/// The dashboard's colours and type: Fluent-like, after Windows Admin Center. Every status colour reads at WCAG AA
/// (4.5:1) both as a filled chip with its contrast text and as text on the surface and the background, in both themes
/// (DashboardThemeContrastTests): in the dark theme the filled chips' text is dark, as the colours are light.
/// </summary>
public static class DashboardTheme
{
    private static readonly string[] FontFamily = ["Segoe UI", "Inter", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    /// <summary>The light and dark palettes and the font.</summary>
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#106ebe",
            Secondary = "#5c2d91",
            Info = "#106ebe",
            Success = "#107c10",
            Warning = "#9d5d00",
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
            PrimaryContrastText = "#0b0b0b",
            SecondaryContrastText = "#0b0b0b",
            InfoContrastText = "#0b0b0b",
            SuccessContrastText = "#0b0b0b",
            WarningContrastText = "#0b0b0b",
            ErrorContrastText = "#0b0b0b",
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
