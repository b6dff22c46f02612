// "Print this page" buttons (data-print-button). A script file rather than an onclick attribute, because the
// public pages' Content-Security-Policy allows no inline script.
document.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-print-button]")) {
        window.print();
    }
});

// Collapsed <details> (FAQ answers) print open; CSS cannot open them. Each is restored after printing.
let openedForPrint = [];
window.addEventListener("beforeprint", () => {
    openedForPrint = Array.from(document.querySelectorAll("details:not([open])"));
    openedForPrint.forEach((details) => { details.open = true; });
});
window.addEventListener("afterprint", () => {
    openedForPrint.forEach((details) => { details.open = false; });
    openedForPrint = [];
});
