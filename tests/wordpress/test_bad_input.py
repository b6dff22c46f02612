"""Bad input: a clear message, a non-zero exit, and the clinic exactly as it was."""

import pytest
from django.core.management import ManagementUtility
from django.core.management.base import CommandError

from tests.wordpress.support import CLINIC_EXPORT, EXPORTS, run_import
from tests.wordpress.test_import import counts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("export", "message"),
    [
        ("not-xml.csv", "is not well-formed XML"),
        ("truncated.xml", "cut short"),
        ("not-rss.xml", "not a WordPress export"),
        ("not-wordpress.xml", "not a WordPress export"),
        ("unknown-version.xml", "format 9.9"),
        ("external-entity.xml", "declares a document type, entities or external references"),
        ("entity-bomb.xml", "declares a document type, entities or external references"),
        ("missing.xml", "There is no file"),
    ],
)
def test_a_bad_export_changes_nothing(imported, uploads, export, message):
    before = counts()
    with pytest.raises(CommandError, match=message) as raised:
        run_import(EXPORTS / export, imported.site.hostname, "--uploads", str(uploads))
    assert "Nothing was changed." in str(raised.value)
    assert counts() == before


def test_an_unknown_hostname_is_refused(clinic_a):
    before = counts()
    with pytest.raises(CommandError, match="There is no clinic with the hostname 'nowhere.test'"):
        run_import(CLINIC_EXPORT, "nowhere.test")
    assert counts() == before


def test_an_uploads_folder_that_does_not_exist_is_refused(clinic_a, tmp_path):
    before = counts()
    with pytest.raises(CommandError, match="The uploads folder .* does not exist"):
        run_import(CLINIC_EXPORT, clinic_a.site.hostname, "--uploads", str(tmp_path / "nope"))
    assert counts() == before


def test_a_failure_half_way_rolls_everything_back_including_files(clinic_a, uploads, monkeypatch, settings):
    from pages.wordpress import importer

    def broken(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer.OldLinks, "save", broken)
    before = counts()
    with pytest.raises(RuntimeError):
        run_import(CLINIC_EXPORT, clinic_a.site.hostname, "--uploads", str(uploads))
    assert counts() == before
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [path for path in media.rglob("*") if path.is_file()]


def test_the_command_exits_non_zero_with_the_message(clinic_a, capsys):
    argv = ["manage.py", "import_wordpress", str(EXPORTS / "entity-bomb.xml"), "--clinic", clinic_a.site.hostname]
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(argv).execute()
    assert exited.value.code == 1
    assert "declares a document type, entities or external references" in capsys.readouterr().err
