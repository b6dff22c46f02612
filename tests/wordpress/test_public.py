"""Imported pages show their approved messages, and only those, at a small fixed number of queries."""

import pytest

from tests.wordpress.test_import import page_from

pytestmark = pytest.mark.django_db


def test_an_imported_article_shows_its_approved_messages_and_the_clinics_reply(imported, clinic_client):
    article = page_from(imported, 30)
    html = clinic_client(imported).get(article.url).content.decode()
    assert "Evening opening hours" in html and "Dr Maria Lopez" in html
    assert "Great news, thank you." in html
    assert "Glad it helps, see you on Thursday." in html
    for hidden in ("Carol Held", "Cheap Pills", "Dan Trashed", "bob@patients.example", "Some Blog"):
        assert hidden not in html
    assert "alert(" not in html
    assert "document.cookie" not in html and 'onclick="x()"' not in html


def test_an_imported_general_page_shows_its_approved_messages(imported, clinic_client):
    about = page_from(imported, 10, "page")
    html = clinic_client(imported).get(about.url).content.decode()
    assert "Lovely staff, thank you!" in html and "Ann Patient" in html
    assert "old tracking" not in html and "maps.example" not in html and "steal()" not in html


def test_a_general_page_without_messages_shows_no_message_section(imported, clinic_client):
    directions = page_from(imported, 11, "page")
    html = clinic_client(imported).get(directions.url).content.decode()
    assert "Parking" in html and 'id="patient-messages"' not in html


def test_the_news_index_lists_live_articles_only(imported, clinic_client):
    news = page_from(imported, 30).get_parent()
    html = clinic_client(imported).get(news.url).content.decode()
    assert "Evening opening hours" in html and "Dr Maria Lopez" in html
    # Drafts, scheduled and private posts are not live; a password-protected one is not listed either.
    for unpublished in ("Flu clinic next winter", "New year closure", "Staff rota", "Results for our study group"):
        assert unpublished not in html


def test_a_password_protected_post_asks_for_the_password(imported, clinic_client):
    protected = page_from(imported, 34)
    html = clinic_client(imported).get(protected.url).content.decode()
    assert "The results are in." not in html and 'name="password"' in html


@pytest.mark.parametrize("wordpress_id", [10, 30])
def test_imported_pages_render_in_a_fixed_number_of_queries(
    imported, clinic_client, django_assert_max_num_queries, wordpress_id
):
    page = page_from(imported, wordpress_id, "page" if wordpress_id == 10 else "post")
    client = clinic_client(imported)
    client.get(page.url)
    with django_assert_max_num_queries(14):
        assert client.get(page.url).status_code == 200
