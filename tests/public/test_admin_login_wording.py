"""The admin's login screen names the platform, not the software it is built on (pages/locale/en/LC_MESSAGES)."""

from django.utils import translation


def test_the_login_screen_says_sign_in_to_the_clinic_platform(client, db, settings):
    settings.PLATFORM_HOSTS = ["admin.test"]
    html = client.get("/admin/login/", HTTP_HOST="admin.test").content.decode()
    assert "<h1>Sign in to the clinic platform</h1>" in html
    assert "Sign in to Wagtail" not in html
    assert "JavaScript is required to use the clinic platform" in html
    assert "required to use Wagtail" not in html


def test_the_catalogue_is_compiled_with_the_login_wording():
    # The .mo is what Django reads: a .po edited without recompiling would leave Wagtail's words on screen.
    for language in ("en", "en-gb", "en-us"):
        with translation.override(language):
            assert translation.gettext("Sign in to Wagtail") == "Sign in to the clinic platform"
