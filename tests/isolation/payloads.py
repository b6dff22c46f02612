"""What a clinic-A user sends in a POST: a body that would change clinic B's object if the view let it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from tests.isolation.world import HIJACK, tiny_png


def post_payload(world, pattern):
    """A POST body that every admin form the matrix reaches would accept from an authorised user.

    One body for all: forms ignore fields they do not have. Page fields are valid for each page type, so a view
    that forgets its permission check saves, publishes, moves or copies for real and the snapshot shows it.
    """
    a, b = world.a, world.b
    data = nested_form_data(
        {
            "title": HIJACK,
            "slug": "hijacked",
            "summary": "Hijacked summary.",
            "introduction": "Hijacked introduction.",
            "what_it_is": rich_text("<p>Hijacked.</p>"),
            "how_it_works": rich_text("<p>Hijacked.</p>"),
            "benefits": rich_text("<p>Hijacked.</p>"),
            "preparation": rich_text("<p>Hijacked.</p>"),
            "risks": rich_text("<p>Hijacked.</p>"),
            "activity_advice": rich_text("<p>Hijacked.</p>"),
            "warning_signs": rich_text("<p>Hijacked.</p>"),
            "intro": rich_text("<p>Hijacked.</p>"),
            "thank_you_text": rich_text("<p>Hijacked.</p>"),
            "day_steps": streamfield([]),
            "faq": streamfield([]),
            "timeline": streamfield(
                [
                    (
                        "stage",
                        {
                            "when": "Hijacked",
                            "what_to_expect": rich_text("<p>Hijacked.</p>"),
                            "what_to_do": rich_text(""),
                        },
                    )
                ]
            ),
            "form_fields": inline_formset([]),
            "comments": inline_formset([]),
            "body_location": "Hijacked",
            "procedure_type": "PercutaneousProcedure",
            # Clinic B's clinician as a page's medical reviewer (clinic A's pages must refuse it).
            "reviewer": b.clinician.pk,
            "last_reviewed": "2026-03-15",
            "next_review_due": "",
            "accept_messages": "on",
            "to_address": "",
            "from_address": "",
            "subject": "Hijacked",
        }
    )
    data.update(
        {
            # StreamField `body` of pages reads body-count; a message's `body` is plain text.
            "body-count": "0",
            "body": "Hijacked message text.",
            "reply": "Hijacked reply.",
            "status": "approved",
            "action-publish": "action-publish",
            # Copy, move, alias: into clinic A's tree, which the user may add to.
            "new_title": HIJACK,
            "new_slug": "hijacked-copy",
            "new_parent_page": a.home.pk,
            "copy_subpages": "on",
            # A draft copy: a live copy would need a medical review recorded in clinic A first. Any copy, draft or
            # live, is what the seals must refuse.
            "alias": "",
            "position": "0",
            "destination_page_id": a.home.pk,
            # Except the bulk move's destination: clinic B's home page, which its confirmation would name.
            "chooser": b.home.pk,
            "recursive": "true",
            "keep_live": "true",
            "revision_id": b.revisions["published"].pk,
            "comment": "Hijacked comment.",
            "restriction_type": "password",
            "password": "hijacked-password-1",
            "include_descendants": "on",
            # Images, documents, collections: clinic B's collection.
            "collection": b.collection.pk,
            "parent": b.collection.pk,
            "tags": "",
            "name": HIJACK,
            # Clinicians: clinic B's image as the photo, clinic B's reviewer as the staff account.
            "photo": b.image.pk,
            "photo_alt": HIJACK,
            "user": b.users["medical reviewers"].pk,
            "sort_order": "0",
            # Clinic settings.
            "display_name": HIJACK,
            "short_description": HIJACK,
            "phone": "(217) 555-0199",  # valid, so the settings form is refused only by the seals
            "address": HIJACK,
            "opening_hours": HIJACK,
            "notification_email": "hijack@example.com",
            "brand_colour": "#000000",
            "reading_grade_target": "8",
            "messages_close_after_days": "1",
            "message_link_limit": "1",
            "message_moderation_words": HIJACK,
            "message_disallowed_words": HIJACK,
            "message_retention_days": "1",
            "urgent_message_reminder_hours": "1",
            # Sites and redirects.
            "hostname": "hijacked.test",
            "port": "80",
            "site_name": HIJACK,
            "root_page": a.home.pk,
            "old_path": "/hijacked",
            "site": b.site.pk,
            "redirect_page": a.home.pk,
            "is_permanent": "on",
            "selected-submissions": b.submission.pk,
            "next": "/admin/",
        }
    )
    # Single and multiple uploads, each a fresh file (an upload is read once).
    for key in ("file", "files[]"):
        if (pattern.namespace or "").startswith("wagtaildocs"):
            data[key] = SimpleUploadedFile("hijacked.txt", b"Hijacked document", content_type="text/plain")
        else:
            data[key] = SimpleUploadedFile("hijacked.png", tiny_png(), content_type="image/png")
    return data
