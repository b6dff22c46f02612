// "Print this page" buttons (data-print-button). A script file rather than an onclick attribute, because the
// public pages' Content-Security-Policy allows no inline script.
document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-print-button]")) {
        window.print();
    }
});
