"""Running the WordPress import in tests, on the hand-written exports next to this file."""

from io import StringIO
from pathlib import Path

from django.core.management import call_command
from wagtail.images.tests.utils import get_test_image_file

EXPORTS = Path(__file__).parent / "exports"
CLINIC_EXPORT = EXPORTS / "clinic.xml"


def make_uploads(folder):
    """A copy of wp-content/uploads holding the clinic export's image and leaflet (not its 'missing' scan)."""
    target = folder / "2019" / "04"
    target.mkdir(parents=True)
    (target / "leg-xray.png").write_bytes(get_test_image_file().file.getvalue())
    (target / "leaflet.pdf").write_bytes(b"%PDF-1.4\n% leaflet\n")
    (folder.parent / "outside.png").write_bytes(get_test_image_file().file.getvalue())
    return folder


def run_import(export, hostname, *args):
    """Call import_wordpress; (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("import_wordpress", str(export), "--clinic", hostname, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()
