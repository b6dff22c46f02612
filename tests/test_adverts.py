"""Telling an advert from a patient's message (pages/adverts.py): spam words and links, as pure functions."""

import pytest

from pages import adverts


@pytest.mark.parametrize(
    "text, links",
    [
        ("See http://one.example and https://two.example", 2),
        ("Buy at cheap-pills.shop or best-casino.online today", 2),
        ("www.one.example and <a href='x'>x</a> and [url=x]x[/url]", 3),
        ("Write to jane.doe@example.com or jane@clinic.org", 0),  # email addresses are no links
        ("I read about it on WebMD.com before my injection", 1),
        ("It took 2.5 hours, e.g. at St. Louis. Thanks, Dr. Smith.", 0),
    ],
)
def test_links_are_counted_with_or_without_http(text, links):
    assert adverts.count_links(text) == links


def test_the_default_words_catch_an_obvious_advert_and_not_a_patient():
    advert = "Cheap Viagra! Casino bonus, SEO services and crypto at cheap-pills.shop"
    patient = "My daughter drove me home. Seo-yeon at the front desk was lovely; the pain eased in a day."

    found = adverts.advert_problem([advert], spam_words=adverts.DEFAULT_SPAM_WORDS)
    assert found.code == adverts.SPAM_WORDS
    assert set(found.found) == {"viagra", "casino", "seo services", "crypto"}
    assert adverts.advert_problem([patient], spam_words=adverts.DEFAULT_SPAM_WORDS) is None


def test_links_alone_make_an_advert_at_the_limit_and_zero_turns_it_off():
    texts = ["Great deals", "at http://a.example and b-deals.shop"]

    assert adverts.advert_problem(texts, link_limit=2) == adverts.AdvertProblem(adverts.LINKS, (2,))
    assert adverts.advert_problem(texts, link_limit=3) is None
    assert adverts.advert_problem(texts, link_limit=0) is None


def test_the_message_names_what_to_take_out():
    assert "mentions “casino” and “crypto”" in adverts.AdvertProblem(adverts.SPAM_WORDS, ("casino", "crypto")).message
    assert "please take them out" in adverts.AdvertProblem(adverts.SPAM_WORDS, ("casino", "crypto")).message
    assert "it has 3 links" in adverts.AdvertProblem(adverts.LINKS, (3,)).message
