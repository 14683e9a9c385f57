using Microsoft.AspNetCore.Components;

namespace NestedHvDashboard.Web.Components;

/// <summary>
/// A MudBlazor icon (<c>Icons.Material…</c>) drawn as <c>MudIcon</c> draws it, in the caller's own render tree. For
/// markup repeated per host on pages that show every host (the menu, the overview's tiles): a component costs each
/// circuit its state and two render buffers (~3 KB), and at 200 hosts those added up to megabytes per browser tab.
/// </summary>
public static class InlineIcon
{
    /// <summary>The icon's <c>svg</c>; <paramref name="size"/> is MudBlazor's size class (<c>small</c>, <c>medium</c>, <c>large</c>).</summary>
    public static RenderFragment Of(string icon, string size, string cssClass) => builder =>
    {
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", $"mud-icon-root mud-svg-icon mud-icon-size-{size} {cssClass}");
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        builder.AddAttribute(5, "role", "img");
        builder.AddMarkupContent(6, icon);
        builder.CloseElement();
    };
}
