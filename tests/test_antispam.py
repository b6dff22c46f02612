"""The spam-protection building blocks shared by every patient-facing form."""

import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache, caches

from pages import antispam

# --- Antispam building blocks --------------------------------------------------------------------------------------


def test_honeypot_problem_only_for_a_filled_in_honeypot():
    assert antispam.honeypot_problem("") is None
    assert antispam.honeypot_problem(None) is None
    assert antispam.honeypot_problem("   ") is None
    assert antispam.honeypot_problem("http://spam.example") == antispam.HONEYPOT


def test_time_token_problem_accepts_a_token_between_min_seconds_and_max_age():
    issued = 1_800_000_000
    token = antispam.issue_time_token("contact-page:1", now=issued)

    def problem(now, purpose="contact-page:1", token=token):
        return antispam.time_token_problem(token, purpose, now=now, min_seconds=3, max_age=3600)

    assert problem(issued + 3) is None
    assert problem(issued + 3600) is None
    assert problem(issued + 2) == antispam.TOO_FAST
    assert problem(issued - 60) == antispam.TOO_FAST  # "issued in the future" cannot be forged without the key
    assert problem(issued + 3601) == antispam.EXPIRED_TOKEN
    assert problem(issued + 10, purpose="contact-page:2") == antispam.BAD_TOKEN
    assert problem(issued + 10, token=token.replace(":", ";", 1)) == antispam.BAD_TOKEN
    assert problem(issued + 10, token="") == antispam.MISSING_TOKEN
    assert problem(issued + 10, token="garbage") == antispam.BAD_TOKEN


def test_time_token_cannot_be_backdated_without_the_secret_key():
    token = antispam.issue_time_token("contact-page:1", now=1_800_000_000)
    purpose, timestamp, signature = token.rsplit(":", 2)
    backdated = f"{purpose}:{antispam.signing.b62_encode(1_700_000_000)}:{signature}"

    assert antispam.time_token_problem(backdated, "contact-page:1", now=1_800_000_100) == antispam.BAD_TOKEN


def test_client_ip_trusts_only_as_many_forwarded_addresses_as_configured_proxies():
    meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}

    assert antispam.client_ip(meta, trusted_proxies=0) == "10.0.0.2"
    assert antispam.client_ip(meta, trusted_proxies=1) == "203.0.113.7"  # 6.6.6.6 was written by the client
    assert antispam.client_ip(meta, trusted_proxies=2) == "6.6.6.6"
    assert antispam.client_ip(meta, trusted_proxies=3) == "10.0.0.2"
    assert antispam.client_ip({"REMOTE_ADDR": "10.0.0.2"}, trusted_proxies=1) == "10.0.0.2"


def test_rate_limit_key_is_a_keyed_hash_of_the_ip():
    key = antispam.rate_limit_key("contact", "203.0.113.7", "secret-one")

    assert "203.0.113.7" not in key
    assert re.fullmatch(r"antispam:contact:[0-9a-f]{64}", key)
    assert key == antispam.rate_limit_key("contact", "203.0.113.7", "secret-one")
    assert key != antispam.rate_limit_key("contact", "203.0.113.8", "secret-one")
    assert key != antispam.rate_limit_key("contact", "203.0.113.7", "secret-two")
    assert key != antispam.rate_limit_key("messages", "203.0.113.7", "secret-one")


def test_take_rate_limit_slot_allows_count_per_window_then_refuses():
    assert antispam.take_rate_limit_slot(cache, "k1", seconds=60, limit=2)
    assert antispam.take_rate_limit_slot(cache, "k1", seconds=60, limit=2)
    assert not antispam.take_rate_limit_slot(cache, "k1", seconds=60, limit=2)
    assert antispam.take_rate_limit_slot(cache, "k2", seconds=60, limit=1)
    assert antispam.take_rate_limit_slot(cache, "k3", seconds=0, limit=1)
    assert antispam.take_rate_limit_slot(cache, "k3", seconds=0, limit=1)


def test_take_rate_limit_slot_opens_a_new_window_when_the_old_one_ends():
    assert antispam.take_rate_limit_slot(cache, "k", seconds=1)
    assert not antispam.take_rate_limit_slot(cache, "k", seconds=1)
    time.sleep(1.1)
    assert antispam.take_rate_limit_slot(cache, "k", seconds=1)


@pytest.mark.services
@pytest.mark.parametrize("limit", [1, 3])
def test_rate_limit_admits_exactly_the_limit_when_many_processes_share_redis(settings, limit):
    """Separate cache clients stand for separate app servers racing for the same address's slot."""
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    key = f"antispam:race-test:{uuid.uuid4().hex}"
    clients = [caches.create_connection("default") for _ in range(8)]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(
            pool.map(lambda client: antispam.take_rate_limit_slot(client, key, seconds=30, limit=limit), clients * 4)
        )

    assert results.count(True) == limit


def test_spam_policy_reads_prefixed_settings_and_refuses_nonsense(settings):
    settings.CONTACT_TIME_TRAP_SECONDS = 5
    settings.CONTACT_RATE_LIMIT_SECONDS = 60
    settings.CONTACT_RATE_LIMIT_COUNT = 3

    assert antispam.SpamPolicy.from_settings("CONTACT") == antispam.SpamPolicy(
        min_seconds=5, max_age=86400, rate_limit_seconds=60, rate_limit_count=3
    )

    settings.CONTACT_RATE_LIMIT_SECONDS = -1
    with pytest.raises(antispam.ImproperlyConfigured):
        antispam.SpamPolicy.from_settings("CONTACT")


def test_spam_protected_form_mixin_works_on_any_django_form():
    """The patient-messages form will reuse the mixin on a plain Django form."""
    from django import forms

    class MessageForm(antispam.SpamProtectedFormMixin, forms.Form):
        body = forms.CharField()

    empty = MessageForm(spam_purpose="messages")
    token = empty.time_token.value()
    assert antispam.time_token_problem(token, "messages", now=time.time() + 5) is None
    assert [field.name for field in empty.patient_fields] == ["body"]

    too_fast = MessageForm({"body": "Hello", "form-token": token}, spam_purpose="messages")
    assert not too_fast.is_valid()
    assert too_fast.spam_problem == antispam.TOO_FAST

    ok = MessageForm(
        {"body": "Hello", "form-token": antispam.issue_time_token("messages", now=time.time() - 5)},
        spam_purpose="messages",
    )
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data == {"body": "Hello"}
