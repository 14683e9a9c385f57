// Brings the Activity entry a link opened (/activity?entry=ID) into view.
export function showEntry(id) {
    const row = document.querySelector(`[data-testid="activity-entry"][data-id="${id}"]`);
    if (row) {
        row.scrollIntoView({ block: "center" });
    }
}
