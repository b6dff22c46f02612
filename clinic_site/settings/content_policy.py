"""The Content-Security-Policy of the public pages (django-csp), enforced or only reported."""

from csp.constants import NONE, SELF


def content_security_policies(report_only, report_uri=""):
    """(CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_REPORT_ONLY) for django-csp: one policy, enforced or only
    reported (to `report_uri` when given, and in the browser's console).

    Patient pages load everything from their own host and use no inline script, event handler or style attribute.
    The clinic's brand colours are a stylesheet of its own (/brand.css), so no nonce is needed: a nonce in a page
    that the page cache keeps would be the same for every visitor. JSON-LD
    (<script type="application/ld+json">) is a data block the browser never runs, so script-src does not apply to
    it and search engines still read it.

    The admin (/admin/, clinic_site/urls.py) is left out: Wagtail's own templates use inline scripts (inline
    panels, date pickers) and style attributes, so a policy it works under needs 'unsafe-inline' and would stop
    little; it is behind a login and X-Frame-Options keeps it out of frames. Documents and images keep the stricter
    "default-src 'none'" Wagtail sets on them.
    """
    directives = {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
    if report_uri:
        directives["report-uri"] = [report_uri]
    policy = {"EXCLUDE_URL_PREFIXES": ["/admin/"], "DIRECTIVES": directives}
    return (None, policy) if report_only else (policy, None)
