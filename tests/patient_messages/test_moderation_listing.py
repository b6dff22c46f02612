"""The moderators' admin for patient messages: the permission policy, the listing and its filters, the dashboard
panel, and how many queries they take.

Clinic B's message carries a distinctive name, email, text and page title, so any appearance of it in a response
meant for clinic A is unmistakable.
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.permissions import policy_registry

from pages.models import PatientMessage
from pages.patient_messages.admin.dashboard import PatientMessagesPanel
from pages.patient_messages.admin.listing import excerpt
from pages.patient_messages.admin.permissions import PatientMessagePermissionPolicy
from pages.patient_messages.models import Status
from tests.factories import ClinicFactory, PatientMessageFactory, ProcedurePageFactory, UserFactory, role_user
from tests.patient_messages.moderation_support import (
    A_EMAIL,
    A_NAME,
    B_CLINIC,
    B_NAME,
    B_PAGE_TITLE,
    B_VALUES,
    DASHBOARD_URL,
    INDEX_URL,
    PANEL_ID,
    RESULTS_URL,
    html_of,
    id_label,
    label,
    url,
)
from tests.support import logged_in_as_each

# --- The policy ----------------------------------------------------------------------------------------------------


def test_the_registered_policy_is_per_clinic_with_no_add_and_superuser_only_delete(msgs, moderator_a, superuser):
    policy = policy_registry.get_by_type(PatientMessage)
    assert isinstance(policy, PatientMessagePermissionPolicy)
    assert policy.user_has_permission_for_instance(moderator_a, "change", msgs.pending)
    assert not policy.user_has_permission_for_instance(moderator_a, "change", msgs.b)
    assert not policy.user_has_permission(moderator_a, "delete")
    assert not policy.user_has_permission(moderator_a, "add")
    assert not policy.user_has_permission(superuser, "add")
    assert policy.user_has_permission_for_instance(superuser, "delete", msgs.b)
    assert set(policy.instances_user_has_permission_for(moderator_a, "change")) == {
        msgs.pending,
        msgs.urgent,
        msgs.approved,
        msgs.rejected,
        msgs.spam,
    }


def test_groups_admin_offers_no_global_message_permission(db):
    """A permission ticked in Groups → Object permissions would be global: every clinic's messages."""
    from wagtail import hooks

    registered = set()
    for register in hooks.get_hooks("register_permissions"):
        registered |= set(register().values_list("content_type__model", flat=True))
    assert "patientmessage" not in registered


def test_moderators_see_the_menu_item_and_nobody_sees_an_add_button(as_moderator_a, msgs):
    dashboard = html_of(as_moderator_a.get(DASHBOARD_URL))
    assert INDEX_URL in dashboard
    assert "Add patient message" not in html_of(as_moderator_a.get(INDEX_URL))


def test_message_labels_carry_no_patient_data(msgs):
    for message in (msgs.pending, msgs.b):
        # The model's own name is ids only; the admin's name (first name, initial, page, date) never has the text.
        assert str(message) == id_label(message)
        assert message.author_name not in str(message)
        assert message.body not in label(message) and message.author_email not in label(message)


# --- Listing -------------------------------------------------------------------------------------------------------


def test_moderator_lists_own_clinics_messages_urgent_pending_then_newest_first_without_emails(as_moderator_a, msgs):
    response = as_moderator_a.get(INDEX_URL)

    assert response.status_code == 200
    html = html_of(response)
    names = ["Uma Urgent", A_NAME, "Arthur Approved", "Rita Rejected", "Sam Spam"]
    positions = [html.index(name) for name in names]
    assert positions == sorted(positions)
    assert "Alpha facet joint injection" in html
    assert "ASCPM" in html
    # The excerpt links to Inspect, where the email is; the listing shows no email at all.
    assert url("inspect", msgs.pending) in html
    assert A_EMAIL not in html
    assert "@" not in "".join(line for line in html.splitlines() if "patient_message_" in line)


def test_moderator_never_sees_another_clinics_messages_pages_or_clinic(as_moderator_a, msgs):
    for target in (INDEX_URL, RESULTS_URL, INDEX_URL + "?q=Bravo", INDEX_URL + "?status=pending&flag=urgent"):
        html = html_of(as_moderator_a.get(target))
        for value in B_VALUES:
            assert value not in html, (target, value)
        assert label(msgs.b) not in html


def test_urgent_flags_stand_out_in_the_listing(as_moderator_a, msgs):
    html = html_of(as_moderator_a.get(INDEX_URL))
    row = html[html.index(f'id="patient_message_{msgs.urgent.pk}_title"') :]
    row = row[: row.index("</tr>")]
    assert 'class="w-text-critical-200"' in row
    assert "Urgent symptoms" in row
    assert "Personal health information" in row


def test_long_messages_are_cut_in_the_listing_and_whole_on_inspect(as_moderator_a, procedure_a):
    long_text = "My back was much better after the injection. " * 10 + "The very last sentence."
    message = PatientMessageFactory(page=procedure_a, body=long_text)

    assert "The very last sentence." not in html_of(as_moderator_a.get(INDEX_URL))
    assert excerpt(message).endswith("…")
    assert "The very last sentence." in html_of(as_moderator_a.get(url("inspect", message)))


def test_listing_is_paginated(as_moderator_a, procedure_a):
    PatientMessageFactory.create_batch(51, page=procedure_a)
    html = html_of(as_moderator_a.get(INDEX_URL))
    assert "Page 1 of 2" in html
    assert "Page 2 of 2" in html_of(as_moderator_a.get(INDEX_URL, {"p": 2}))


def test_status_counts_cover_the_users_clinics_and_link_to_the_filter(as_moderator_a, msgs):
    html = html_of(as_moderator_a.get(INDEX_URL))
    for status, count in (("pending", 2), ("approved", 1), ("rejected", 1), ("spam", 1)):
        assert f'href="{INDEX_URL}?status={status}"' in html
        assert f">{status.capitalize()} {count}</a>" in html


def test_superuser_sees_both_clinics_and_their_counts(as_superuser, msgs):
    html = html_of(as_superuser.get(INDEX_URL))
    assert A_NAME in html
    assert B_NAME in html
    assert ">Pending 5</a>" in html
    assert B_CLINIC in html


def test_a_moderator_of_two_clinics_sees_the_union_and_may_filter_by_clinic(client, clinics, msgs, moderator_a):
    clinic_a, clinic_b = clinics
    moderator_a.groups.add(clinic_b.groups["moderators"])
    client.force_login(moderator_a)

    html = html_of(client.get(INDEX_URL))
    assert A_NAME in html and B_NAME in html
    html = html_of(client.get(INDEX_URL, {"clinic": clinic_b.site.pk}))
    assert B_NAME in html and A_NAME not in html
    # The counts follow the chosen clinic; pages are told apart by their clinic.
    assert ">Pending 3</a>" in html
    assert f"{B_PAGE_TITLE} ({B_CLINIC})" in html
    assert "Alpha facet joint injection (ASCPM)" in html


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"status": "approved"}, ["approved"]),
        ({"status": "spam"}, ["spam"]),
        ({"flag": "urgent"}, ["urgent"]),
        ({"flag": "links"}, ["spam"]),
        ({"status": "pending", "flag": "health_info"}, ["urgent"]),
        ({"q": "alice"}, ["pending"]),
        ({"q": "FEVER"}, ["urgent"]),
        ({"q": "nobody wrote this"}, []),
    ],
)
def test_filters_and_search(as_moderator_a, msgs, params, expected):
    html = html_of(as_moderator_a.get(INDEX_URL, params))
    for key in ("pending", "urgent", "approved", "rejected", "spam"):
        message = getattr(msgs, key)
        assert (f'id="patient_message_{message.pk}_title"' in html) == (key in expected), key
    assert B_NAME not in html


def test_page_filter_offers_only_own_clinics_pages(as_moderator_a, msgs, page_a2, procedure_b):
    html = html_of(as_moderator_a.get(INDEX_URL, {"page": page_a2.pk}))
    assert "Uma Urgent" in html and "Sam Spam" in html
    assert A_NAME not in html.split("listing-results")[1]
    assert f'<option value="{page_a2.pk}"' in html
    assert f'<option value="{procedure_b.pk}"' not in html

    # Another clinic's page is not a valid choice: nothing of it is shown, whatever the filter then does.
    html = html_of(as_moderator_a.get(INDEX_URL, {"page": procedure_b.pk}))
    for value in B_VALUES:
        assert value not in html


def test_clinic_filter_only_offers_the_users_clinics(as_moderator_a, clinics, msgs):
    clinic_a, clinic_b = clinics
    # A single-clinic moderator gets no clinic filter, and another clinic's id in the URL is ignored.
    html = html_of(as_moderator_a.get(INDEX_URL, {"clinic": clinic_b.site.pk}))
    assert 'name="clinic"' not in html
    assert B_NAME not in html and A_NAME in html


def test_superuser_clinic_filter(client, superuser, clinics, msgs):
    clinic_a, clinic_b = clinics
    client.force_login(superuser)
    html = html_of(client.get(INDEX_URL, {"clinic": clinic_b.site.pk}))
    assert f'<option value="{clinic_a.site.pk}"' in html
    assert B_NAME in html and A_NAME not in html


def test_date_range_filter(as_moderator_a, msgs):
    since = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    html = html_of(as_moderator_a.get(INDEX_URL, {"submitted_at_from": since}))
    assert A_NAME in html and "Arthur Approved" in html
    assert "Rita Rejected" not in html and "Sam Spam" not in html

    until = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    html = html_of(as_moderator_a.get(INDEX_URL, {"submitted_at_to": until}))
    assert "Rita Rejected" in html and "Sam Spam" in html
    assert A_NAME not in html


def test_no_spreadsheet_export_of_messages(as_moderator_a, msgs):
    for export_format in ("csv", "xlsx"):
        response = as_moderator_a.get(INDEX_URL, {"export": export_format})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")


def test_messages_are_not_in_the_search_index():
    from wagtail.search.index import class_is_indexed

    assert not class_is_indexed(PatientMessage)


# --- Dashboard -----------------------------------------------------------------------------------------------------


def test_dashboard_panel_counts_pending_and_urgent_per_moderated_clinic(as_moderator_a, clinic_a, msgs):
    html = html_of(as_moderator_a.get(DASHBOARD_URL))
    assert PANEL_ID in html
    panel = html[html.index(PANEL_ID) :]
    panel = panel[: panel.index("</section>")]
    base = f"{INDEX_URL}?clinic={clinic_a.site.pk}&amp;status=pending"
    assert f'href="{base}">2 pending</a>' in panel
    assert f'href="{base}&amp;flag=urgent"' in panel
    assert "1 urgent" in panel
    assert "ASCPM" in panel
    assert B_CLINIC not in panel


def test_dashboard_panel_links_lead_to_the_filtered_listing(as_moderator_a, clinic_a, msgs):
    html = html_of(as_moderator_a.get(INDEX_URL, {"clinic": clinic_a.site.pk, "status": "pending", "flag": "urgent"}))
    assert "Uma Urgent" in html and A_NAME not in html


def test_dashboard_panel_for_superusers_lists_every_clinic(as_superuser, msgs):
    html = html_of(as_superuser.get(DASHBOARD_URL))
    panel = html[html.index(PANEL_ID) :]
    assert "ASCPM" in panel and B_CLINIC in panel
    assert "3 pending" in panel


@pytest.mark.parametrize("role", ["editors", "medical reviewers"])
def test_dashboard_panel_is_hidden_for_users_who_moderate_nothing(client, clinic_a, msgs, role):
    client.force_login(role_user(clinic_a, role))
    assert PANEL_ID not in html_of(client.get(DASHBOARD_URL))


# --- Query counts --------------------------------------------------------------------------------------------------


def many_clinics(count):
    """`count` clinics, each with a page and a few messages, clinic 0's messages named "Clinic 00 patient"."""
    result = []
    for n in range(count):
        clinic = ClinicFactory(name=f"Clinic {n:02d}", hostname=f"clinic-{n:02d}.test")
        page = ProcedurePageFactory(parent=clinic.home_page, title=f"Clinic {n:02d} injection")
        # Clinic 00's patient writes last, so that their message is on the listing's first page.
        PatientMessageFactory(
            page=page,
            author_name=f"Clinic {n:02d} patient",
            flags=",urgent,",
            submitted_at=timezone.now() - datetime.timedelta(minutes=n),
        )
        PatientMessageFactory(page=page, status=Status.APPROVED)
        PatientMessageFactory(page=page, status=Status.SPAM, flags=",links,")
        result.append(clinic)
    return result


# Wagtail's admin chrome (session, user, permissions, menu) plus ours: the site scope, the page choices, the count
# per status, the page count and the rows. What matters is that it holds for 2 and for 20 clinics.
LISTING_QUERY_BOUND = 22
# The user's permissions (none for superusers), the clinics' reminder hours, then one aggregate query.
PANEL_QUERY_BOUND = 4


@pytest.mark.parametrize("clinic_count", [2, 20])
def test_listing_query_count_does_not_grow_with_clinics(client, superuser, django_assert_max_num_queries, clinic_count):
    clinics = many_clinics(clinic_count)
    users = (superuser, role_user(clinics[0], "moderators"))
    for params in logged_in_as_each(client, users, ({}, {"status": "pending", "flag": "urgent", "q": "patient"})):
        with django_assert_max_num_queries(LISTING_QUERY_BOUND):
            html = html_of(client.get(INDEX_URL, params))
        assert "Clinic 00 patient" in html


def test_listing_runs_the_same_queries_for_2_and_20_clinics(client, db):
    def count_queries(user):
        client.force_login(user)
        client.get(INDEX_URL)  # warm the per-process caches (content types, site root paths)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INDEX_URL).status_code == 200
        return len(queries)

    clinics = many_clinics(2)
    admin = UserFactory(username="network-admin", is_superuser=True, is_staff=True)
    moderator = role_user(clinics[0], "moderators")
    before = (count_queries(admin), count_queries(moderator))
    many_clinics_more = [ClinicFactory(name=f"Extra {n:02d}", hostname=f"extra-{n:02d}.test") for n in range(18)]
    for clinic in many_clinics_more:
        page = ProcedurePageFactory(parent=clinic.home_page, title="Extra injection")
        PatientMessageFactory.create_batch(3, page=page)
    # The moderator now moderates two clinics: their listing grows, their query count must not.
    moderator.groups.add(many_clinics_more[0].groups["moderators"])
    assert (count_queries(admin), count_queries(moderator)) == before


@pytest.mark.parametrize("clinic_count", [2, 20])
def test_dashboard_panel_runs_two_queries_whatever_the_number_of_clinics(
    rf, db, django_assert_max_num_queries, clinic_count
):
    clinics = many_clinics(clinic_count)
    admin = UserFactory(username="network-admin", is_superuser=True, is_staff=True)
    for user in (admin, role_user(clinics[0], "moderators")):
        request = rf.get(DASHBOARD_URL)
        request.user = user
        with django_assert_max_num_queries(2 if user.is_superuser else PANEL_QUERY_BOUND):
            html = PatientMessagesPanel().render_html({"request": request})
        assert "Clinic 00" in html
        assert html.count("1 urgent") == (clinic_count if user.is_superuser else 1)
