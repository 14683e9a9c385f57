namespace NestedHvDashboard.Web.Overview;

/// <summary>
/// How the wall splits its tiles into screens: as many columns and rows of tiles as the viewport
/// holds, and which page shows now. Advancing past the last page starts over.
/// </summary>
public sealed class WallPages
{
    /// <summary>The narrowest a wall tile gets, in CSS pixels.</summary>
    public const int MinTileWidth = 400;

    /// <summary>A wall tile's height, in CSS pixels (the CSS grid uses the same).</summary>
    public const int TileHeight = 280;

    /// <summary>The grid gap, in CSS pixels.</summary>
    public const int Gap = 24;

    /// <summary>Tiles side by side.</summary>
    public int Columns { get; private set; } = 1;

    /// <summary>Rows of tiles on one screen; zero until the viewport is known (then everything shows).</summary>
    public int Rows { get; private set; }

    /// <summary>Tiles on one screen; <see cref="int.MaxValue"/> until the viewport is known.</summary>
    public int PageSize => Rows == 0 ? int.MaxValue : Columns * Rows;

    /// <summary>The page showing now, from zero.</summary>
    public int Current { get; private set; }

    /// <summary>How many tiles there are.</summary>
    public int Count { get; private set; }

    /// <summary>How many pages the tiles need (at least one).</summary>
    public int PageCount => Count == 0 || PageSize == int.MaxValue ? 1 : (Count + PageSize - 1) / PageSize;

    /// <summary>Fits the grid to the space left for tiles (the viewport less the title bar).</summary>
    public void Fit(double width, double height)
    {
        Columns = Math.Max(1, (int)((width + Gap) / (MinTileWidth + Gap)));
        Rows = Math.Max(1, (int)((height + Gap) / (TileHeight + Gap)));
        Clamp();
    }

    /// <summary>Sets how many tiles there are; keeps the current page when it still exists.</summary>
    public void SetCount(int count)
    {
        Count = Math.Max(0, count);
        Clamp();
    }

    /// <summary>Moves to the next page, or back to the first after the last.</summary>
    public void Advance() => Current = (Current + 1) % PageCount;

    /// <summary>The slice of <paramref name="items"/> the current page shows.</summary>
    public IReadOnlyList<T> Slice<T>(IReadOnlyList<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return PageSize == int.MaxValue ? items : [.. items.Skip(Current * PageSize).Take(PageSize)];
    }

    private void Clamp()
    {
        if (Current >= PageCount)
        {
            Current = PageCount - 1;
        }
    }
}
