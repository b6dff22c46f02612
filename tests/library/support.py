"""Builders for the procedure library tests: a published master with its recovery page, and revising it."""

from django.urls import reverse

from pages.library.pages import MasterProcedurePage, MasterRecoveryPage

MASTER_TITLE = "Facet joint injections (library)"
MASTER_HOW = "<p>The doctor numbs the skin and guides a thin needle with live X-ray.</p>"
NEW_HOW = "<p>The doctor numbs the skin, then guides a thin needle with live X-ray into the joint (revised).</p>"
NEW_RISKS = "<p>Soreness for a day or two; rarely infection or bleeding (revised).</p>"


def publish(page):
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    return page


def build_master(root, image=None, slug="facet-joint-injections"):
    body = [("paragraph", "<p>Ask us anything before the day.</p>")]
    if image is not None:
        body.append(("image", {"image": image, "alt_text": "The treatment room", "caption": ""}))
    master = root.add_child(
        instance=MasterProcedurePage(
            title=MASTER_TITLE,
            slug=slug,
            live=False,
            summary="A facet joint injection puts medicine into a small joint in your spine to ease pain.",
            what_it_is="<p>Facet joints are small joints between the bones of your spine.</p>",
            how_it_works=MASTER_HOW,
            benefits="<p>Less pain and easier movement.</p>",
            preparation="<p>Bring someone to drive you home.</p>",
            risks="<p>Soreness for a day or two.</p>",
            body=body,
            body_location="Facet joints of the neck or lower back",
            reviewed_by="Dr Ana Ruiz, MD",
        )
    )
    publish(master)
    recovery = master.add_child(
        instance=MasterRecoveryPage(
            title="After facet joint injections (library)",
            slug="after",
            live=False,
            summary="Most people go home the same day.",
            timeline=[("stage", {"when": "Right after", "what_to_expect": "<p>Some soreness.</p>", "what_to_do": ""})],
            activity_advice="<p>Rest on the day.</p>",
            warning_signs="<ul><li>Fever</li></ul>",
            reviewed_by="Dr Ana Ruiz, MD",
        )
    )
    publish(recovery)
    master.refresh_from_db()
    return master


def revise(master, **values):
    """Publish a new version of `master` with `values` changed; returns it."""
    draft = master.specific.get_latest_revision_as_object()
    for name, value in values.items():
        setattr(draft, name, value)
    draft.save_revision().publish()
    master.refresh_from_db()
    return master


def adopt_url(master):
    return reverse("pages_library_adopt", args=[master.pk])


def compare_url(adoption):
    return reverse("pages_library_compare", args=[adoption.pk])


def decide_url(adoption):
    return reverse("pages_library_decide", args=[adoption.pk])
