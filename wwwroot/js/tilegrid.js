// The overview's tile grid, browser side: how wide it is, at start and after every resize. With many hosts the server
// lays the tiles out in rows of as many as fit and draws only the rows on screen (Overview/TileRows.cs).
let watch = null;

export function start(grid, dotnet) {
    stop();
    if (!grid) {
        return; // the page went before its module loaded: nothing left to measure
    }
    let pending = 0;
    let reported = -1;
    const report = () => {
        const width = grid.clientWidth;
        if (width > 0 && width !== reported) {
            reported = width;
            dotnet.invokeMethodAsync('Fit', width);
        }
    };
    const observer = new ResizeObserver(() => {
        clearTimeout(pending);
        pending = setTimeout(report, 150);
    });
    observer.observe(grid);
    report();
    watch = () => {
        observer.disconnect();
        clearTimeout(pending);
    };
}

export function stop() {
    if (watch) {
        watch();
        watch = null;
    }
}
