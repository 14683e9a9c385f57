// Blazor's reconnect UI, in the app's manner: a slim banner instead of the default modal. Blazor
// toggles classes on #components-reconnect-modal; when it gives up (failed) or the server no longer
// knows the circuit (rejected: the server restarted), wait until /healthz answers and reload, so a
// wall screen comes back by itself.
(() => {
    const banner = document.getElementById('components-reconnect-modal');
    if (!banner) {
        return;
    }

    const text = banner.querySelector('[data-reconnect-text]');
    let waiting = false;

    async function reloadWhenServerAnswers() {
        if (waiting) {
            return;
        }
        waiting = true;
        banner.classList.add('nhv-reconnect--waiting');
        if (text) {
            text.textContent = 'The dashboard restarted or went away — waiting for it to come back…';
        }
        for (;;) {
            try {
                const response = await fetch('healthz', { cache: 'no-store' });
                if (response.ok) {
                    location.reload();
                    return;
                }
            } catch {
                // Not back yet.
            }
            await new Promise(resolve => setTimeout(resolve, 2000));
        }
    }

    new MutationObserver(() => {
        const classes = banner.classList;
        if (classes.contains('components-reconnect-failed')
            || classes.contains('components-reconnect-rejected')
            || classes.contains('components-reconnect-resume-failed')) {
            reloadWhenServerAnswers();
        }
    }).observe(banner, { attributes: true, attributeFilter: ['class'] });
})();
