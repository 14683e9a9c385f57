namespace NestedHvDashboard.Web.Overview;

/// <summary>
/// The overview's tiles in rows of as many as the grid's width holds, so that with many hosts only the rows on screen are
/// drawn (each tile drawn costs every open overview its render buffers: 200 tiles were ~10 MB per circuit). The browser
/// measures the width (wwwroot/js/tilegrid.js); this does the sums and keeps the rows until the tiles or the width change.
/// </summary>
public sealed class TileRows
{
    /// <summary>Up to this many tiles, every tile is drawn in one CSS grid (a lab's usual size: nothing to save).</summary>
    public const int VirtualizeAbove = 48;

    /// <summary>The narrowest an overview tile gets, in CSS pixels (the CSS grid's <c>minmax(330px, 1fr)</c>).</summary>
    public const int MinTileWidth = 330;

    /// <summary>The grid gap, in CSS pixels (the CSS grid's).</summary>
    public const int Gap = 16;

    /// <summary>A row's height with its gap, in CSS pixels: the first guess for the rows not drawn yet.</summary>
    public const float RowHeight = 292;

    /// <summary>Columns until the browser measured the grid.</summary>
    public const int ColumnsUnmeasured = 4;

    private IReadOnlyList<HostTileModel>? _tiles;
    private TileRow[] _rows = [];
    private int _rowsColumns;

    /// <summary>Tiles side by side.</summary>
    public int Columns { get; private set; } = ColumnsUnmeasured;

    /// <summary>Whether <paramref name="count"/> tiles are drawn a screen of rows at a time.</summary>
    public static bool Virtualizes(int count) => count > VirtualizeAbove;

    /// <summary>Fits the columns to the grid's width; true when they changed.</summary>
    public bool Fit(double width)
    {
        var columns = Math.Max(1, (int)((width + Gap) / (MinTileWidth + Gap)));
        var changed = columns != Columns;
        Columns = columns;
        return changed;
    }

    /// <summary>The rows of <paramref name="tiles"/>: the same list again while neither the tiles nor the columns changed.</summary>
    public TileRow[] Of(IReadOnlyList<HostTileModel> tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        if (!ReferenceEquals(tiles, _tiles) || _rowsColumns != Columns)
        {
            _tiles = tiles;
            _rowsColumns = Columns;
            _rows = [.. tiles.Chunk(Columns).Select(row => new TileRow(row))];
        }

        return _rows;
    }
}

/// <summary>One row of the overview's tiles.</summary>
/// <param name="Tiles">The row's tiles, left to right.</param>
public sealed record TileRow(IReadOnlyList<HostTileModel> Tiles)
{
    /// <summary>The row's first host: the row's key while tiles stay in order.</summary>
    public string Key => Tiles[0].Name;
}
