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
    fillPrintDates(new Date());
    openedForPrint = Array.from(document.querySelectorAll("details:not([open])"));
    openedForPrint.forEach((details) => { details.open = true; });
});
window.addEventListener("afterprint", () => {
    openedForPrint.forEach((details) => { details.open = false; });
    openedForPrint = [];
});

// The print footer's date ([data-print-date]) is the day the page was rendered; a page from a cache, or a tab left
// open, would print an old one. Set it to today, written as the server writes it ("2 December 2026").
function fillPrintDates(today) {
    const pad = (number) => String(number).padStart(2, "0");
    const iso = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
    const text = today.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
    document.querySelectorAll("[data-print-date]").forEach((time) => {
        time.dateTime = iso;
        time.textContent = text;
    });
}
