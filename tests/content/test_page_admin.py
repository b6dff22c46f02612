"""Clinic staff create, edit, preview and publish each page type in the admin, only in their clinic and place."""

from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from wagtail.models import Page, WorkflowState
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from pages.clinics.clinicians import Clinician
from pages.content.mixins import one_year_after
from pages.models import (
    ArticlePage,
    ClinicHomePage,
    ContactPage,
    GeneralPage,
    NewsIndexPage,
    ProcedurePage,
    RecoveryGuidancePage,
    TeamPage,
    TreatmentsIndexPage,
)
from tests.contact.support import NAME_FIELD
from tests.factories import ClinicFactory, ProcedurePageFactory, role_user


def procedure_data(title="Radiofrequency ablation", slug=None, reviewer=""):
    return nested_form_data(
        {
            "title": title,
            "slug": slug or slugify(title),
            "summary": "Heat calms the nerve that carries the pain.",
            "what_it_is": rich_text("<p>What it is.</p>"),
            "how_it_works": rich_text("<p>How it works.</p>"),
            "benefits": rich_text("<p>Benefits.</p>"),
            "preparation": rich_text("<p>Preparing.</p>"),
            "risks": rich_text("<p>Risks.</p>"),
            "day_steps": streamfield([("step", {"title": "We clean the skin", "text": ""})]),
            "faq": streamfield([]),
            "body": streamfield([]),
            "body_location": "Lower back",
            "procedure_type": "PercutaneousProcedure",
            "reviewer": reviewer,
            "next_review_due": "",
        }
    )


def recovery_data(reviewer=""):
    return nested_form_data(
        {
            "title": "After your injection",
            "summary": "What to expect.",
            "timeline": streamfield(
                [
                    (
                        "stage",
                        {
                            "when": "The next day",
                            "what_to_expect": rich_text("<p>Less pain.</p>"),
                            "what_to_do": rich_text(""),
                        },
                    )
                ]
            ),
            "activity_advice": rich_text("<p>Rest.</p>"),
            "warning_signs": rich_text("<p>Fever.</p>"),
            "body": streamfield([]),
            "reviewer": reviewer,
            "next_review_due": "",
        }
    )


def contact_data():
    return nested_form_data(
        {
            "title": "Contact us",
            "intro": rich_text("<p>Write to us.</p>"),
            "thank_you_text": rich_text("<p>Thanks.</p>"),
            "to_address": "",
            "from_address": "",
            "subject": "New message",
            "form_fields": inline_formset([NAME_FIELD]),
        }
    )


class ClinicPageAdminTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.clinic_a = ClinicFactory(name="ASCPM", hostname="ascpm.test")
        cls.clinic_b = ClinicFactory(name="Spinal Diagnostics", hostname="spinaldiagnostics.test")
        cls.editor = role_user(cls.clinic_a, "editors")
        cls.reviewer = role_user(cls.clinic_a, "medical reviewers")
        cls.home_a = cls.clinic_a.home_page
        cls.home_b = cls.clinic_b.home_page

    def setUp(self):
        # Each test logs in the clinic role it is about, not the superuser WagtailPageTestCase would use.
        pass

    def test_page_types_can_only_be_created_in_their_place(self):
        self.assertAllowedSubpageTypes(
            ClinicHomePage, {ProcedurePage, ContactPage, GeneralPage, TreatmentsIndexPage, TeamPage, NewsIndexPage}
        )
        self.assertAllowedSubpageTypes(NewsIndexPage, {ArticlePage})
        self.assertAllowedParentPageTypes(ArticlePage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(ArticlePage, set())
        self.assertAllowedSubpageTypes(TreatmentsIndexPage, {ProcedurePage})
        self.assertAllowedSubpageTypes(GeneralPage, {GeneralPage})
        self.assertAllowedSubpageTypes(TeamPage, set())
        self.assertAllowedParentPageTypes(ProcedurePage, {ClinicHomePage, TreatmentsIndexPage})
        self.assertAllowedSubpageTypes(ProcedurePage, {RecoveryGuidancePage})
        self.assertAllowedSubpageTypes(RecoveryGuidancePage, set())
        self.assertAllowedSubpageTypes(ContactPage, set())
        self.assertAllowedParentPageTypes(ClinicHomePage, {Page})
        self.assertCanNotCreateAt(ClinicHomePage, RecoveryGuidancePage)
        self.assertCanNotCreateAt(ProcedurePage, ProcedurePage)

    def test_reviewer_creates_and_publishes_each_page_type_in_their_clinic(self):
        # Publishing is the reviewer's medical review: today's date, and their own clinician record as reviewer.
        marsh = Clinician.objects.create(site=self.clinic_a.site, name="Dr Elena Marsh", user=self.reviewer)
        self.client.force_login(self.reviewer)
        data = procedure_data()
        data["last_reviewed"] = "2020-01-01"  # read-only: ignored
        self.assertCanCreate(self.home_a, ProcedurePage, data)
        procedure = ProcedurePage.objects.get(title="Radiofrequency ablation")
        today = timezone.localdate()
        self.assertTrue(procedure.live)
        self.assertEqual((procedure.last_reviewed, procedure.reviewer), (today, marsh))
        self.assertEqual(procedure.next_review_due, one_year_after(today))
        self.assertCanCreate(procedure, RecoveryGuidancePage, recovery_data())
        self.assertCanCreate(self.home_a, ContactPage, contact_data())
        self.assertTrue(RecoveryGuidancePage.objects.get().live)
        self.assertEqual(ContactPage.objects.get().form_fields.count(), 1)

    def test_editor_creates_drafts_but_cannot_publish(self):
        self.client.force_login(self.editor)
        self.assertCanCreate(self.home_a, ProcedurePage, procedure_data(), publish=False)
        page = ProcedurePage.objects.get(title="Radiofrequency ablation")
        self.assertFalse(page.live)
        # Asking to publish anyway leaves the page a draft.
        data = procedure_data()
        data["action-publish"] = "action-publish"
        self.client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
        page.refresh_from_db()
        self.assertFalse(page.live)

    def test_editor_edits_and_previews_their_clinics_pages(self):
        page = ProcedurePageFactory(parent=self.home_a, slug="facet")
        self.assertPageIsEditable(page, post_data=procedure_data("Facet", "facet"), user=self.editor)
        self.assertPageIsPreviewable(page, post_data=procedure_data("Facet", "facet"), user=self.editor)

    def test_staff_cannot_create_or_edit_pages_of_another_clinic(self):
        page_b = ProcedurePageFactory(parent=self.home_b)
        for user in (self.editor, self.reviewer):
            self.client.force_login(user)
            add_url = reverse("wagtailadmin_pages:add", args=["pages", "procedurepage", self.home_b.pk])
            response = self.client.post(add_url, procedure_data("Intruder page"))
            # Another clinic's page answers as a page that does not exist (pages/isolation/ids.py).
            self.assertEqual(response.status_code, 404)
            self.assertFalse(ProcedurePage.objects.filter(title="Intruder page").exists())
            edit = self.client.get(reverse("wagtailadmin_pages:edit", args=[page_b.pk]))
            self.assertEqual(edit.status_code, 404)

    def test_editor_submits_for_medical_review_and_the_clinics_reviewer_approves_and_publishes(self):
        page = ProcedurePageFactory(parent=self.home_a, live=False, slug="facet")
        self.client.force_login(self.editor)
        clinician = Clinician.objects.create(site=self.clinic_a.site, name="Dr Ada Stone")
        data = procedure_data("Facet joint injections", "facet", reviewer=clinician.pk)
        data["action-submit"] = "Submit to Medical review"
        self.client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), data)
        state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(page.pk))
        self.assertEqual(state.workflow.name, "ASCPM medical review")
        task_state = state.current_task_state

        other_reviewer = role_user(self.clinic_b, "medical reviewers")
        self.client.force_login(other_reviewer)
        approve_url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
        self.client.post(approve_url, {"comment": ""})
        page.refresh_from_db()
        self.assertFalse(page.live)

        self.client.force_login(self.reviewer)
        self.client.post(approve_url, {"comment": ""})
        page.refresh_from_db()
        self.assertTrue(page.live)
        # The approval is the review: today, by the chosen clinician (the approver has no clinician record).
        self.assertEqual((page.last_reviewed, page.reviewer), (timezone.localdate(), clinician))
