// The light/dark choice, remembered in this browser.
const key = 'nhv-theme';

export function storedTheme() {
    try {
        return localStorage.getItem(key);
    } catch {
        return null;
    }
}

export function storeTheme(theme) {
    try {
        localStorage.setItem(key, theme);
    } catch {
        // Storage is off (private mode, kiosk policy): the choice lasts for this page only.
    }
}
