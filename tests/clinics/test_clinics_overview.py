"""The network admins' Clinics overview: one row per clinic, superusers only, queries fixed."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pages.clinics.models import ClinicSettings
from pages.clinics.overview import clinic_rows
from tests.factories import ClinicFactory, UserFactory, role_user

URL = reverse("clinics_overview")


def test_refused_to_clinic_staff(client, clinic_a):
    client.force_login(role_user(clinic_a, "editors"))
    response = client.get(URL)
    assert response.status_code in (302, 403)
    assert b"Pending messages" not in response.content


def test_menu_item_only_for_superusers(client, clinic_a, superuser):
    client.force_login(role_user(clinic_a, "medical reviewers"))
    assert URL.encode() not in client.get(reverse("wagtailadmin_home")).content
    client.force_login(superuser)
    assert URL.encode() in client.get(reverse("wagtailadmin_home")).content


def test_rows_show_each_clinic(client, clinic_a, clinic_b, superuser):
    role_user(clinic_a, "editors")
    moderator = role_user(clinic_a, "moderators")
    moderator.groups.add(clinic_a.groups["editors"])
    UserFactory(username="gone", is_active=False, groups=[clinic_a.groups["moderators"]])
    ClinicSettings.objects.filter(site=clinic_b.site).update(notification_email="", address="")
    client.force_login(superuser)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "ASCPM" in html and "ascpm.test" in html
    assert "Missing: address, notification email, privacy page" in html
    rows = {row.site.site_name: row for row in clinic_rows(superuser)}
    assert rows["ASCPM"].staff_count == 2
    assert rows["Spinal Diagnostics"].staff_count == 0
    assert rows["Spinal Diagnostics"].missing_settings == ("address", "notification email", "privacy page")


def test_last_publish_is_the_newest_in_the_clinic_tree(clinic_a, clinic_b, superuser, procedure_a):
    when = timezone.now() - datetime.timedelta(days=3)
    type(procedure_a).objects.filter(pk=procedure_a.pk).update(last_published_at=when)
    rows = {row.site.site_name: row for row in clinic_rows(superuser)}
    assert rows["ASCPM"].last_published_at >= when
    assert rows["Spinal Diagnostics"].last_published_at != when


def test_due_for_review_counted_per_clinic(clinic_a, clinic_b, superuser, procedure_a):
    today = timezone.localdate()
    type(procedure_a).objects.filter(pk=procedure_a.pk).update(next_review_due=today - datetime.timedelta(days=1))
    rows = {row.site.site_name: row for row in clinic_rows(superuser, today)}
    assert rows["ASCPM"].due_for_review == 1
    assert rows["Spinal Diagnostics"].due_for_review == 0


def test_queries_fixed_whatever_the_number_of_clinics(client, clinic_a, clinic_b, superuser):
    client.force_login(superuser)
    client.get(URL)
    with CaptureQueriesContext(connection) as with_two:
        response = client.get(URL)
    assert response.content.decode().count('class="clinic-row"') == 2
    for _ in range(6):
        role_user(ClinicFactory(), "editors")
    client.get(URL)  # new clinics make every process look its hosts up again, once
    with CaptureQueriesContext(connection) as with_eight:
        response = client.get(URL)
    assert response.content.decode().count('class="clinic-row"') == 8
    assert len(with_eight) == len(with_two) <= 20
