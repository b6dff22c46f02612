"""The team page: each clinician's photo with its description, name and credentials as a heading, role and bio;
nothing broken without a photo; the same few queries whatever the size of the team."""

import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail_factories import ImageFactory

from pages.models import Clinician, TeamPage


def _team_page(clinic):
    return clinic.home_page.add_child(
        instance=TeamPage(title="Our team", slug="team", introduction="Meet the people who will care for you.")
    )


def _clinician(clinic, name, photo=True, **fields):
    image = ImageFactory(collection=clinic.collection, title=f"Portrait of {name}") if photo else None
    return Clinician.objects.create(
        site=clinic.site,
        name=name,
        photo=image,
        photo_alt=f"{name} smiling in the clinic" if photo else "",
        **fields,
    )


def test_each_clinician_reads_as_photo_heading_role_and_bio(clinic_client, clinic_a, clinic_b):
    page = _team_page(clinic_a)
    _clinician(
        clinic_a,
        "Dr Maria Alvarez",
        credentials="MD, board-certified in pain medicine",
        role="Interventional pain physician",
        bio="Trained in Chicago. Treats back and neck pain.",
    )
    _clinician(clinic_a, "Sam Lee", photo=False, role="Nurse")
    _clinician(clinic_a, "Hidden Person", show_on_team_page=False)
    _clinician(clinic_b, "Dr Zebra Elsewhere")

    html = clinic_client(clinic_a).get(page.url).content.decode()

    assert re.search(
        r'<h2 class="team-member__name">Dr Maria Alvarez<span class="team-member__credentials">, '
        r"MD, board-certified in pain medicine</span></h2>",
        html,
    )
    assert re.search(r'<img [^>]*alt="Dr Maria Alvarez smiling in the clinic"', html)
    assert '<p class="team-member__role">Interventional pain physician</p>' in html
    assert "Trained in Chicago. Treats back and neck pain." in html
    # Headings go h1 (the page) then one h2 per clinician.
    assert re.findall(r"<h(\d)", html[html.index("<h1") :])[:3] == ["1", "2", "2"]
    # Without a photo: the name and role, and no image at all.
    sam = html[html.index(">Sam Lee<") - 400 : html.index(">Sam Lee<")]
    assert "team-member--no-photo" in sam and "<img" not in sam.split("team-member--no-photo")[1]
    assert html.count('class="team-member__photo"') == 1
    assert "Hidden Person" not in html and "Zebra" not in html


def test_team_without_clinicians_says_so(clinic_client, clinic_a):
    page = _team_page(clinic_a)
    html = clinic_client(clinic_a).get(page.url).content.decode()
    assert "team-list" not in html and "Details of our team are coming soon" in html


def _cold_get(client, url):
    """A visit with an empty cache (a new worker, an expired entry): the photos' renditions exist, only in the
    database."""
    client.get(url)  # the first visit makes each photo's rendition
    cache.clear()


def _queries(client, url):
    _cold_get(client, url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_the_team(clinic_client, clinic_a, django_assert_max_num_queries):
    page = _team_page(clinic_a)
    client = clinic_client(clinic_a)
    for n in range(2):
        _clinician(clinic_a, f"Clinician {n}", credentials="MD", bio="A short bio.")
    with_two = _queries(client, page.url)

    for n in range(2, 12):
        _clinician(clinic_a, f"Clinician {n}", credentials="MD", bio="A short bio.")
    _cold_get(client, page.url)
    with django_assert_max_num_queries(with_two):
        html = client.get(page.url).content.decode()

    assert html.count('class="team-member__photo"') == 12
    assert _queries(client, page.url) == with_two
