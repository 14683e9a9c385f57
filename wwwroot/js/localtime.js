// The browser's offset from UTC in minutes, so server-rendered times can be shown in the user's own time zone.
export function utcOffsetMinutes() {
    return -new Date().getTimezoneOffset();
}
