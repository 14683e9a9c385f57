// Small helpers of the app shell that Blazor calls by name.
window.nhvFocusMain = () => {
    const main = document.getElementById('nhv-main');
    if (main) {
        main.focus();
        main.scrollIntoView({ block: 'start' });
    }
};
