// The VM grid's column choice, remembered in this browser, and the window's width for the defaults.
const key = 'nhv-vm-columns';

export function load() {
    let stored = null;
    try {
        stored = localStorage.getItem(key);
    } catch {
        // Storage is off: the defaults for the width apply.
    }

    return { stored, width: window.innerWidth };
}

export function save(value) {
    try {
        if (value) {
            localStorage.setItem(key, value);
        } else {
            localStorage.removeItem(key);
        }
    } catch {
        // Storage is off (private mode, kiosk policy): the choice lasts for this page only.
    }
}
