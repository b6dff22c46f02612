"""The moderation rules are pure functions: every rule, with the cases a patient's real text produces."""

import dataclasses
import datetime

import pytest

from pages import adverts
from pages.patient_messages import rules as m

DEFAULT = m.ModerationRules()


def test_an_ordinary_message_is_pending_with_no_flags():
    decision = m.decide("The injection helped a lot, thank you!", "Ann", "ann@example.com", DEFAULT)
    assert decision == m.Decision(False, frozenset())


def test_nothing_is_ever_approved_by_the_rules():
    # A decision says "spam or not" and why: approving is not among the answers the rules can give.
    texts = ["Great clinic", "http://a.example http://b.example", "I have a fever", "call 555 123 4567"]
    decisions = [m.decide(t, "n", "e@example.com", DEFAULT) for t in texts]
    assert {field.name for field in dataclasses.fields(m.Decision)} == {"is_spam", "flags"}
    assert [decision.is_spam for decision in decisions] == [False, True, False, False]


@pytest.mark.parametrize(
    ("text", "links", "spam"),
    [
        ("See http://one.example", 1, False),
        ("See http://one.example and https://two.example", 2, True),
        ("www.one.example and <a href='x'>x</a> and http://x.example", 3, True),
    ],
)
def test_two_or_more_links_is_spam_by_default(text, links, spam):
    assert adverts.count_links(text) == links
    assert m.decide(text, "n", "e@example.com", DEFAULT).is_spam is spam


def test_the_link_limit_is_configurable_and_zero_turns_it_off():
    text = "http://a.example http://b.example http://c.example"
    assert m.decide(text, "n", "e@example.com", m.ModerationRules(link_limit=4)).is_spam is False
    assert m.decide(text, "n", "e@example.com", m.ModerationRules(link_limit=0)).is_spam is False
    assert m.decide("http://a.example", "n", "e@example.com", m.ModerationRules(link_limit=1)).is_spam is True


def test_disallowed_words_in_text_name_or_email_make_spam():
    rules = m.ModerationRules(disallowed_words=adverts.word_list("casino\ncheap pills\n"))
    assert m.decide("Visit our CASINO", "n", "e@example.com", rules).flags == {m.FLAG_DISALLOWED_WORDS}
    assert m.decide("hello", "Cheap Pills", "e@example.com", rules).is_spam is True
    # Whole words only: "casinos" is a different word, "occasional" contains none.
    assert m.decide("occasional pain", "n", "e@example.com", rules).is_spam is False


def test_moderation_words_hold_a_message_with_a_flag():
    rules = m.ModerationRules(moderation_words=adverts.word_list("lawyer\n  refund  "))
    decision = m.decide("I want a Refund", "n", "e@example.com", rules)
    assert decision == m.Decision(False, frozenset({m.FLAG_MODERATION_WORDS}))


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Call me on 555-014-2200 please", "a phone number"),
        ("my number is +44 20 7946 0958", "a phone number"),
        ("call me on 555 123 4567.", "a phone number"),
        ("write to jane.doe@example.com", "an email address"),
        ("my DOB is 03/04/1961", "a date of birth"),
        ("born on 1961-04-03", "a date of birth"),
        ("my MRN is A12345", "a medical record number"),
        ("insurance member id 99887766", "an insurance or ID number"),
        ("ssn 123-45-6789", "an insurance or ID number"),
        ("ring me at 555-0142", "a phone number"),
        ("I'm 48, born 1977", "a date of birth"),
        ("Subscriber ID W283746529", "an insurance or ID number"),
        ("send it to 1420 Oak Street", "a street address"),
        ("My husband John Carter was diagnosed with stenosis", "a person's name with a health condition"),
    ],
)
def test_personal_health_information_is_recognised(text, kind):
    assert kind in m.health_info_found(text)
    assert m.FLAG_HEALTH_INFO in m.decide(text, "n", "e@example.com", DEFAULT).flags


@pytest.mark.parametrize(
    "text",
    [
        "I had 2 injections in 2025 and felt better after 3 days.",
        "The pain went from 8/10 to 2/10.",
        "Thank you Dr Marsh, see you on 12 May.",
        "Is the open day on 12/05/2025 still happening?",
        "I've been a member of the gym since 2019.",
        "Dr. Amy Chen explained my sciatica so clearly.",
    ],
)
def test_ordinary_numbers_are_not_taken_for_health_information(text):
    assert m.health_info_found(text) == []


def test_a_national_number_is_read_in_the_given_region():
    assert m.health_info_found("my mobile is 07700 900123", region="US") == []
    assert m.health_info_found("my mobile is 07700 900123", region="GB") == ["a phone number"]


def test_the_clinics_region_is_the_default(settings):
    settings.CLINIC_PHONE_REGION = "GB"
    assert m.health_info_found("my mobile is 07700 900123") == ["a phone number"]


@pytest.mark.parametrize(
    ("text", "symptom"),
    [
        ("Since the injection I have a fever", "fever"),
        ("new numbness in my left leg", "numbness or weakness"),
        ("I can't feel my legs", "numbness or weakness"),
        ("trouble controlling my bladder", "bladder or bowel control"),
        ("the pain is getting worse every hour", "severe or worsening pain"),
        ("severe pain after the injection", "severe or worsening pain"),
    ],
)
def test_urgent_symptoms_are_flagged(text, symptom):
    assert symptom in m.urgent_symptoms_found(text)
    decision = m.decide(text, "n", "e@example.com", DEFAULT)
    assert decision.is_urgent and decision.is_spam is False


def test_calm_messages_are_not_urgent():
    assert m.urgent_symptoms_found("The soreness went away after a day, thank you.") == []


def test_bot_signals_make_spam():
    decision = m.decide("hello", "n", "e@example.com", DEFAULT, bot_flags=[m.FLAG_HONEYPOT])
    assert decision == m.Decision(True, frozenset({m.FLAG_HONEYPOT}))


def test_messages_close_after_the_clinics_number_of_days_or_by_the_page_switch():
    published = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    later = published + datetime.timedelta(days=10)
    assert m.messages_are_open(True, published, 0, later)
    assert m.messages_are_open(True, published, 11, later)
    assert not m.messages_are_open(True, published, 10, later)
    assert not m.messages_are_open(False, published, 0, later)
    assert m.messages_are_open(True, None, 5, later)
