"""Chooser and rich-text values are checked, proven by a generated form-value dimension.

From the models and blocks (tests/isolation/form_values.py): every foreign key to a page, image or document, every
chooser block and rich-text block in every StreamField and every rich-text field of every page type of `pages` and of
ClinicSettings. For each clinic-A admin form (the edit form of a page of each type, with its preview; Clinic
settings), each clinic-A role that can open it (and a network admin) posts it back with clinic B's image, document
or draft page in one of those places: as the foreign key or chooser value, and in rich text as a page link, a
document link and an embedded image. Then:
- no response (preview POST and GET, edit POST) names clinic B's item: no title, file name or slug;
- nothing of clinic B is stored: not in the row, not in any revision;
- the form is refused with the clinic's message, or (rich text only) the field's editor has no feature for that kind
  of reference and drops it, which the dimension checks against the field's features (such a value is only saved,
  not previewed: the preview never sees it).

Controls: the generated POST is valid without clinic B's item (so a refusal is about the item), and with the rule
switched off the dimension does see clinic B's item saved or shown. A field or block added tomorrow is in the
dimension the day it is added; one it cannot post fails `test_every_reference_the_models_can_hold_is_posted`.
"""

from collections import Counter
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from wagtail.contrib.settings.views import get_setting_edit_handler
from wagtail.models import Page, PreviewableMixin

from pages.clinics.references import ClinicReferencesFormMixin, ClinicReferencesMixin
from pages.models import ClinicSettings
from tests.factories import role_user
from tests.isolation.form_values import (
    LIBRARY_MODELS,
    REFUSAL,
    clinic_models,
    edit_post,
    reference_slots,
    reference_world,
    references_in,
    unhandled_references,
    with_value,
)
from tests.isolation.responses import marker_hits, response_text
from tests.isolation.world import ROLES

pytestmark = pytest.mark.sweep

FORMS = clinic_models()
SLOTS = {model: reference_slots(model) for model in FORMS}
NETWORK_ADMIN = "network admin"
ALL_ROLES = (*ROLES, NETWORK_ADMIN)
# Who opens which form; the test also checks that nobody else does. Editors draft pages, medical reviewers publish
# them and change Clinic settings, moderators edit neither.
REACHES = {
    "page": {"editors", "medical reviewers", NETWORK_ADMIN},
    "settings": {"medical reviewers", NETWORK_ADMIN},
    # The procedure library: no clinic role edits it (its own network groups do: tests/library/).
    "library": {NETWORK_ADMIN},
}
STATS = Counter()


class DimensionSummary:
    """A pytest plugin printing what the dimension checked in the terminal summary (shown without -s)."""

    name = "clinic-form-value-dimension-summary"

    def summary_lines(self):
        if not STATS["cases"]:
            return []
        slots = [slot for model_slots in SLOTS.values() for slot in model_slots]
        fields = {(slot.model, slot.field) for slot in slots}
        values = sum(len(slot.kinds) for slot in slots)
        how = Counter(slot.how for slot in slots)
        line = (
            f"{len(fields)} reference fields ({len(slots)} slots: {how['foreign key']} foreign keys, "
            f"{how['chooser block']} chooser blocks, {how['rich text field']} rich-text fields, "
            f"{how['rich text block']} rich-text blocks; {values} values, one per slot and kind) x {len(FORMS)} "
            f"admin forms x {len(ALL_ROLES)} roles: {STATS['reached']} form/role pairs opened "
            f"({STATS['refused at the door']} refused at the door), {STATS['cases']} cases, {STATS['requests']} "
            f"requests; {STATS['refused']} refused with the clinic's message, {STATS['dropped']} dropped by the "
            f"field's editor features; {STATS['problems']} problems."
        )
        return [("clinic form-value dimension", line)]


@pytest.fixture(autouse=True)
def _summary(request):
    manager = request.config.pluginmanager
    if not manager.has_plugin(DimensionSummary.name):
        manager.register(DimensionSummary(), DimensionSummary.name)


def _urls(target):
    if isinstance(target, ClinicSettings):
        edit = reverse("wagtailsettings:edit", args=["pages", "clinicsettings", target.site_id])
        return SimpleNamespace(edit=edit, preview=None, form_id="w-editor-form", family="settings")
    preview = reverse("wagtailadmin_pages:preview_on_edit", args=[target.pk])
    return SimpleNamespace(
        edit=reverse("wagtailadmin_pages:edit", args=[target.pk]),
        preview=preview if isinstance(target, PreviewableMixin) else None,
        form_id="page-edit-form",
        family="library" if isinstance(target, LIBRARY_MODELS) else "page",
    )


def _stored(target):
    """(what changed, {(kind, id)} referenced) for `target` as the database holds it: the row and every revision."""
    if isinstance(target, ClinicSettings):
        row = ClinicSettings.objects.get(pk=target.pk)
        return tuple(getattr(row, f.attname) for f in row._meta.concrete_fields), references_in(row)
    page = Page.objects.get(pk=target.pk).specific
    revisions = list(page.revisions.order_by("pk"))
    found = references_in(page)
    for revision in revisions:
        found |= references_in(revision.as_object())
    fingerprint = (
        page.latest_revision_id,
        page.live_revision_id,
        page.has_unpublished_changes,
        page.live,
        len(revisions),
    )
    return fingerprint, found


def _form_errors(response):
    form = (response.context or {}).get("form")
    return dict(form.errors) if form is not None else f"status {response.status_code}"


def _check_case(client, world, target, urls, data, slot, kind, publish, stats=STATS):
    """Post clinic B's item of `kind` into `slot`; the problems seen, each in a sentence."""
    item = world.theirs[kind]
    posted = with_value(data, slot, kind, item, world.own)
    if publish:
        posted["action-publish"] = "action-publish"
    what = f"{slot.label} <- clinic B's {kind} ({slot.how})"
    problems = []
    with transaction.atomic():
        before, _ = _stored(target)
        responses = []
        # What the field's editor drops never reaches the preview: the save path alone shows it is not stored.
        if urls.preview and slot.keeps(kind):
            responses.append(("preview POST", client.post(urls.preview, posted)))
            responses.append(("preview GET", client.get(urls.preview)))
        edit = client.post(urls.edit, posted)
        responses.append(("edit POST", edit))
        stats["requests"] += len(responses)
        for name, response in responses:
            if response.status_code >= 500:
                problems.append(f"{what}: {name} failed with {response.status_code}")
            hits = marker_hits(response_text(response))
            if hits:
                problems.append(f"{what}: {name} names clinic B's item: {'; '.join(hits)}")
        after, referenced = _stored(target)
        if referenced & world.theirs_keys:
            problems.append(f"{what}: clinic B's item was stored ({sorted(referenced & world.theirs_keys)})")
        if edit.status_code == 200 and REFUSAL in edit.content.decode():
            stats["refused"] += 1
            if after != before:
                problems.append(f"{what}: refused, yet the stored page or settings changed")
        elif edit.status_code == 302 and not slot.keeps(kind):
            stats["dropped"] += 1
        elif edit.status_code == 302:
            problems.append(f"{what}: saved without the clinic's refusal")
        else:
            problems.append(f"{what}: answered {edit.status_code} without the clinic's refusal: {_form_errors(edit)}")
        transaction.set_rollback(True)
    cache.clear()
    return problems


def _control_post_is_valid(client, target, urls, data, publish):
    """The generated POST, without clinic B's item, is accepted: otherwise every refusal would prove nothing."""
    posted = dict(data, **({"action-publish": "action-publish"} if publish else {}))
    with transaction.atomic():
        response = client.post(urls.edit, posted)
        transaction.set_rollback(True)
    cache.clear()
    assert response.status_code == 302, f"The generated POST to {urls.edit} is refused: {_form_errors(response)}"


def _login(client, clinic_a, superuser, role):
    client.force_login(superuser if role == NETWORK_ADMIN else role_user(clinic_a, role))


# --- The dimension is complete ----------------------------------------------------------------------------------------


def test_the_dimension_finds_the_reference_fields_we_know_of():
    """It cannot pass by finding nothing: the fields and blocks of today must be among those it finds."""
    labels = {slot.label for model_slots in SLOTS.values() for slot in model_slots}
    known = {
        "ProcedurePage.hero_image",
        "ClinicSettings.logo",
        "ProcedurePage.body.image.image",
        "RecoveryGuidancePage.body.image.image",
        "ProcedurePage.body.paragraph",
        "ProcedurePage.faq.question.answer",
        "RecoveryGuidancePage.timeline.stage.what_to_expect",
        *(f"ProcedurePage.{name}" for name in ("what_it_is", "how_it_works", "benefits", "preparation", "risks")),
        *(f"RecoveryGuidancePage.{name}" for name in ("activity_advice", "warning_signs")),
        "ContactPage.intro",
        "ContactPage.thank_you_text",
    }
    assert not known - labels, f"The dimension misses known reference fields: {sorted(known - labels)}"
    names = {model.__name__ for model in FORMS}
    assert {"ClinicHomePage", "ProcedurePage", "RecoveryGuidancePage", "ContactPage", "ClinicSettings"} <= names


def test_every_reference_the_models_can_hold_is_posted():
    unhandled = [problem for model in FORMS for problem in unhandled_references(model)]
    assert not unhandled, "Teach tests/isolation/form_values.py to post these:\n  " + "\n  ".join(unhandled)


def test_every_reference_slot_is_in_its_admin_form():
    """A reference field without a panel cannot be posted by the form: say so, rather than test nothing."""
    missing = []
    for model, slots in SLOTS.items():
        handler = get_setting_edit_handler(model) if model is ClinicSettings else model.get_edit_handler()
        form_fields = handler.get_form_class().base_fields
        missing += [slot.label for slot in slots if slot.field not in form_fields]
    assert not missing, f"Reference fields that no admin form edits: {missing}"


def test_every_clinic_form_refuses_and_hides_other_clinics_items():
    """Each model's admin form class shows a refused value again without the item (ClinicReferencesFormMixin)."""
    for model in FORMS:
        assert issubclass(model, ClinicReferencesMixin), model
        handler = get_setting_edit_handler(model) if model is ClinicSettings else model.get_edit_handler()
        assert issubclass(handler.get_form_class(), ClinicReferencesFormMixin), model


# --- The dimension ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("model", FORMS, ids=lambda model: model.__name__)
def test_clinic_b_items_posted_into_clinic_a_forms_are_not_saved_shown_or_named(
    client, clinic_a, clinic_b, superuser, model, role
):
    world = reference_world(clinic_a, clinic_b)
    assert not world.problems, world.problems
    target = world.targets[model]
    urls = _urls(target)
    _login(client, clinic_a, superuser, role)
    client.raise_request_exception = False

    opened = client.get(urls.edit)
    reaches = opened.status_code == 200
    assert reaches == (role in REACHES[urls.family]), (
        f"{role} {'opens' if reaches else 'cannot open'} the {model.__name__} form ({opened.status_code})"
    )
    if not reaches:
        STATS["refused at the door"] += 1
        return
    STATS["reached"] += 1

    # Reviewers and network admins publish (the path a published page takes); editors save drafts.
    publish = urls.family in ("page", "library") and role != "editors"
    data = edit_post(opened, target, urls.form_id)
    _control_post_is_valid(client, target, urls, data, publish)

    problems = []
    for slot in SLOTS[model]:
        for kind in slot.kinds:
            STATS["cases"] += 1
            problems += _check_case(client, world, target, urls, data, slot, kind, publish)
    STATS["problems"] += len(problems)
    assert not problems, f"{len(problems)} problem(s) for {role} on {model.__name__}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("label", ["ProcedurePage.hero_image", "ProcedurePage.body.image.image", "ClinicSettings.logo"])
def test_control_without_the_rule_the_dimension_sees_clinic_b_stored(client, clinic_a, clinic_b, monkeypatch, label):
    """Switch the rule off: the same case reports clinic B's item stored, so 'no problem' above means something."""
    world = reference_world(clinic_a, clinic_b)
    slot = next(slot for model_slots in SLOTS.values() for slot in model_slots if slot.label == label)
    target = world.targets[slot.model]
    urls = _urls(target)
    client.force_login(role_user(clinic_a, "medical reviewers"))
    data = edit_post(client.get(urls.edit), target, urls.form_id)
    monkeypatch.setattr(ClinicReferencesMixin, "foreign_references", lambda self: [])

    problems = _check_case(client, world, target, urls, data, slot, slot.kinds[0], publish=False, stats=Counter())

    assert any("was stored" in problem for problem in problems), problems
