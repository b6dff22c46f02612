"""The flood limit of patient messages: one message at a time per internet connection and per email address.

Both counters are atomic operations in the shared cache on keyed hashes (antispam.take_rate_limit_slot), so the
limit holds across every worker; the cache never holds an address, only its hash.
"""

from django.conf import settings

from pages import antispam

# Cache scopes of the flood limit; the key holds a keyed hash of the address, never the address.
FLOOD_SCOPE_IP = "patient-messages"
FLOOD_SCOPE_EMAIL = "patient-messages-email"
FLOOD_BY_IP = "ip"
FLOOD_BY_EMAIL = "email"

FLOOD_MESSAGES = {
    FLOOD_BY_IP: (
        "Please slow down: a message was sent from your internet connection a moment ago. Please wait {seconds} "
        "seconds and send this one again; what you typed is still below. If you already sent this message, you do "
        "not need to send it again."
    ),
    FLOOD_BY_EMAIL: (
        "Please slow down: a message was sent with this email address a moment ago. Please wait {seconds} seconds "
        "and send this one again; what you typed is still below."
    ),
}


def ip_hash(ip):
    """A keyed SHA-256 hash of an IP address, the same one antispam's rate-limit keys use ("" without an address)."""
    if not ip:
        return ""
    return antispam.rate_limit_key(FLOOD_SCOPE_IP, ip, settings.SECRET_KEY).rpartition(":")[2]


def flood_problem(cache, *, ip, email, policy):
    """Take this submission's flood slots; FLOOD_BY_IP or FLOOD_BY_EMAIL when either was sent from lately, else None.

    Both are atomic cache operations on keyed hashes (antispam.take_rate_limit_slot), so the limit holds across
    every worker sharing the cache. The email is compared case-insensitively: that is how people retype it.
    """
    slots = [(FLOOD_BY_IP, FLOOD_SCOPE_IP, ip), (FLOOD_BY_EMAIL, FLOOD_SCOPE_EMAIL, email.strip().lower())]
    for problem, scope, value in slots:
        key = antispam.rate_limit_key(scope, value, settings.SECRET_KEY)
        if not antispam.take_rate_limit_slot(
            cache, key, seconds=policy.rate_limit_seconds, limit=policy.rate_limit_count
        ):
            return problem
    return None


def flood_message(problem, policy):
    return FLOOD_MESSAGES[problem].format(seconds=policy.rate_limit_seconds)
