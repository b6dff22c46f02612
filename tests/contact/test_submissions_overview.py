"""Where staff find contact-form submissions: the dashboard's count of new ones and the Forms index."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission

from pages.contact.models import ContactSubmissionState, SubmissionState
from tests.factories import ContactPageFactory, UserFactory, role_user

PANEL = 'id="contact-submissions-section"'


def submit(page, count, handled=0):
    for n in range(count):
        submission = FormSubmission.objects.create(page=page, form_data={"your_name": f"Patient {n}"})
        if n < handled:
            ContactSubmissionState.objects.create(submission=submission, status=SubmissionState.HANDLED)


def html_with_five_more_forms(client, url, clinic, per_form, django_assert_max_num_queries):
    """`url` once as it is, then with five more forms of `per_form` submissions each, rendered in no more queries."""
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(5):
        submit(ContactPageFactory(parent=clinic.home_page, title=f"Referrals {n}", slug=f"referrals-{n}"), per_form)
    with django_assert_max_num_queries(len(before)):
        return client.get(url).content.decode()


def panel_of(html):
    start = html.index(PANEL)
    return html[start : html.index("</section>", start)]


# --- Dashboard ------------------------------------------------------------------------------------------------------


def test_the_dashboard_counts_new_submissions_of_the_users_own_clinics_only(
    client, clinic_a, contact_page, contact_page_b
):
    submit(contact_page, 3, handled=1)
    submit(contact_page_b, 4)
    client.force_login(role_user(clinic_a, "moderators"))

    panel = panel_of(client.get(reverse("wagtailadmin_home")).content.decode())

    assert "2 new submissions." in panel
    listing = reverse("wagtailforms:list_submissions", args=[contact_page.pk])
    assert f'<a href="{listing}?state=new">2 new</a>' in panel
    assert "Write to Spinal Diagnostics" not in panel


def test_a_form_without_submissions_counts_none(client, clinic_a, contact_page):
    client.force_login(role_user(clinic_a, "moderators"))

    panel = panel_of(client.get(reverse("wagtailadmin_home")).content.decode())

    assert "No new submissions." in panel
    assert ">0 new</a>" in panel


def test_the_dashboard_shows_no_submissions_panel_to_editors(client, clinic_a, contact_page):
    submit(contact_page, 1)
    client.force_login(role_user(clinic_a, "editors"))

    assert PANEL not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_dashboard_panel_runs_a_fixed_number_of_queries(
    client, clinic_a, contact_page, django_assert_max_num_queries
):
    user = UserFactory(username="two-forms-moderator", groups=[clinic_a.groups["moderators"]])
    client.force_login(user)
    submit(contact_page, 2)

    html = html_with_five_more_forms(client, reverse("wagtailadmin_home"), clinic_a, 3, django_assert_max_num_queries)

    assert "17 new submissions." in panel_of(html)


# --- Forms index ----------------------------------------------------------------------------------------------------


def test_the_forms_index_names_forms_by_title_and_clinic_not_page_type(client, superuser, contact_page, contact_page_b):
    submit(contact_page, 2, handled=1)
    client.force_login(superuser)

    html = client.get(reverse("wagtailforms:index")).content.decode()

    assert "pages.contactpage" not in html
    assert "Contact page (" not in html
    for text in ("Contact us", "Write to Spinal Diagnostics", "ASCPM", "Spinal Diagnostics", "1 new"):
        assert text in html


def test_the_forms_index_runs_a_fixed_number_of_queries(
    client, superuser, clinic_a, contact_page, django_assert_max_num_queries
):
    client.force_login(superuser)
    submit(contact_page, 1)

    html = html_with_five_more_forms(client, reverse("wagtailforms:index"), clinic_a, 2, django_assert_max_num_queries)

    assert "Referrals 4" in html
