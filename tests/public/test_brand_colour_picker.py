"""Clinic settings offer a colour picker for the brand colour; the server still accepts only #rrggbb."""

from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from pages.clinics.models import ClinicSettings
from tests.factories import role_user


def settings_url(clinic):
    return reverse("wagtailsettings:edit", args=["pages", "clinicsettings", clinic.site.pk])


def form_as_shown(client, clinic):
    response = client.get(settings_url(clinic))
    query = querydict_from_html(response.content.decode(), form_id="w-editor-form")
    return response, {key: values if len(values) > 1 else values[0] for key, values in query.lists()}


def test_the_brand_colour_is_chosen_with_a_colour_picker(client, clinic_a):
    client.force_login(role_user(clinic_a, "medical reviewers"))
    response, _ = form_as_shown(client, clinic_a)
    assert '<input type="color" name="brand_colour" value="#0b6e69"' in response.content.decode()


def test_a_picked_colour_is_saved_and_anything_else_is_refused(client, clinic_a):
    client.force_login(role_user(clinic_a, "medical reviewers"))
    _, data = form_as_shown(client, clinic_a)

    # A colour input can be bypassed (an old browser shows a text box; anyone can post): the validator stays.
    refused = client.post(settings_url(clinic_a), dict(data, brand_colour="teal"))
    assert refused.status_code == 200
    assert "&#x27;teal&#x27; is not a colour like #1d4f91." in refused.content.decode()
    assert ClinicSettings.objects.get(site=clinic_a.site).brand_colour == "#0b6e69"

    assert client.post(settings_url(clinic_a), dict(data, brand_colour="#8a1538")).status_code == 302
    assert ClinicSettings.objects.get(site=clinic_a.site).brand_colour == "#8a1538"
