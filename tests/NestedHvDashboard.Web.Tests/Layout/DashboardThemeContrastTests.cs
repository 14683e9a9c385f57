using MudBlazor;
using MudBlazor.Utilities;
using NestedHvDashboard.Web.Components.Layout;

namespace NestedHvDashboard.Web.Tests.Layout;

/// <summary>
/// Every status colour of both themes at WCAG AA (4.5:1 for normal text): a filled chip's text on its colour, and the
/// colour as the text of an outlined chip or a link on the surface and on the page background.
/// </summary>
public sealed class DashboardThemeContrastTests
{
    private const double Aa = 4.5;

    public static TheoryData<string, string> Colours()
    {
        var data = new TheoryData<string, string>();
        foreach (var theme in new[] { "light", "dark" })
        {
            foreach (var colour in new[] { "Primary", "Secondary", "Info", "Success", "Warning", "Error" })
            {
                data.Add(theme, colour);
            }
        }

        return data;
    }

    private static Palette PaletteOf(string theme) => theme == "dark" ? DashboardTheme.Theme.PaletteDark : DashboardTheme.Theme.PaletteLight;

    private static MudColor Get(Palette palette, string property) => (MudColor)typeof(Palette).GetProperty(property)!.GetValue(palette)!;

    // WCAG 2.x relative luminance and contrast ratio.
    private static double Luminance(MudColor colour)
    {
        static double Channel(byte value)
        {
            var c = value / 255.0;
            return c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        }

        return (0.2126 * Channel(colour.R)) + (0.7152 * Channel(colour.G)) + (0.0722 * Channel(colour.B));
    }

    internal static double Contrast(MudColor a, MudColor b)
    {
        var (lighter, darker) = (Math.Max(Luminance(a), Luminance(b)), Math.Min(Luminance(a), Luminance(b)));
        return (lighter + 0.05) / (darker + 0.05);
    }

    [Theory]
    [MemberData(nameof(Colours))]
    public void A_filled_chip_and_the_colour_as_text_read_at_AA(string theme, string colour)
    {
        var palette = PaletteOf(theme);
        var background = Get(palette, colour);

        var filled = Contrast(background, Get(palette, colour + "ContrastText"));
        var onSurface = Contrast(background, palette.Surface);
        var onPage = Contrast(background, palette.Background);

        Assert.True(filled >= Aa, $"{theme} {colour} chip: text {Get(palette, colour + "ContrastText")} on {background} is {filled:0.00}:1");
        Assert.True(onSurface >= Aa, $"{theme} {colour} as text on the surface {palette.Surface}: {onSurface:0.00}:1");
        Assert.True(onPage >= Aa, $"{theme} {colour} as text on the background {palette.Background}: {onPage:0.00}:1");
    }

    [Fact]
    public void The_ratio_is_computed_as_WCAG_defines_it()
    {
        Assert.Equal(21, Contrast(new MudColor("#000000"), new MudColor("#ffffff")), 2);
        Assert.Equal(1, Contrast(new MudColor("#777777"), new MudColor("#777777")), 2);
        // The defect the issue names: white on the old dark Warning, about 1.3:1.
        Assert.InRange(Contrast(new MudColor("#fce100"), new MudColor("#ffffff")), 1.25, 1.4);
    }
}
