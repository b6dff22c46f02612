// Public pages are cached and shared, so a form arrives with empty CSRF and one-time token fields
// (form[data-form-tokens]). They are fetched for this visitor from the address in data-form-tokens when the visitor
// starts on the form, or at the latest when they send it; the one-time token's time trap then counts from there.
// A script file, not inline code: the public pages' Content-Security-Policy allows scripts from 'self' only.
// If the fetch fails the form is sent anyway: the server shows it again, with what was typed and tokens inline,
// and asks the patient to press Send again (pages/page_cache/tokens.py).
document.querySelectorAll("form[data-form-tokens]").forEach((form) => {
    const csrfField = form.querySelector('input[name="csrfmiddlewaretoken"]');
    const tokenField = form.querySelector('input[name="form-token"]');
    if (!csrfField || !tokenField) {
        return;
    }
    const filled = () => csrfField.value !== "" && tokenField.value !== "";
    let pending = null;

    function fetchTokens() {
        if (filled()) {
            return Promise.resolve();
        }
        if (!pending) {
            pending = fetch(form.dataset.formTokens, { credentials: "same-origin", headers: { Accept: "application/json" } })
                .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
                .then((tokens) => {
                    csrfField.value = tokens.csrf;
                    tokenField.value = tokens.form_token;
                })
                .catch(() => {
                    pending = null; // tried again on the next interaction; the form still sends
                });
        }
        return pending;
    }

    form.addEventListener("focusin", fetchTokens, { once: true });
    form.addEventListener("submit", (event) => {
        if (filled() || form.dataset.formTokensTried === "1") {
            return;
        }
        // Hold the first press until the tokens are in, then send with the same button ("Send anyway" included).
        event.preventDefault();
        form.dataset.formTokensTried = "1";
        const button = event.submitter;
        fetchTokens().finally(() => {
            if (button && button.form === form) {
                form.requestSubmit(button);
            } else {
                form.requestSubmit();
            }
        });
    });
});
