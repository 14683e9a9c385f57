// The wall's browser side: measures the space the tiles have (the server decides how many fit)
// and keeps the clock, so neither costs a server render.
const pagerReserve = 56; // the page indicator under the grid
let watch = null;

export function start(grid, clock, dotnet) {
    stop();
    if (!grid || !clock) {
        return; // the page went before its module loaded: nothing left to measure
    }
    let pending = 0;
    const report = () => {
        const top = grid.getBoundingClientRect().top;
        dotnet.invokeMethodAsync('Fit', grid.clientWidth, Math.max(0, window.innerHeight - top - pagerReserve));
    };
    const onResize = () => {
        clearTimeout(pending);
        pending = setTimeout(report, 200);
    };
    const tick = () => {
        clock.textContent = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    };
    window.addEventListener('resize', onResize);
    const clockTimer = setInterval(tick, 1000);
    tick();
    report();
    watch = () => {
        window.removeEventListener('resize', onResize);
        clearTimeout(pending);
        clearInterval(clockTimer);
    };
}

export function stop() {
    if (watch) {
        watch();
        watch = null;
    }
}
