import pytest

from tests.wordpress.support import CLINIC_EXPORT, make_uploads, run_import


@pytest.fixture
def uploads(tmp_path):
    return make_uploads(tmp_path / "uploads")


@pytest.fixture
def imported(clinic_a, clinic_b, uploads, tmp_path):
    """Clinic A after importing the clinic export (with its uploads); the report's path is `imported.report`."""
    report = tmp_path / "report.txt"
    out, err = run_import(CLINIC_EXPORT, clinic_a.site.hostname, "--uploads", str(uploads), "--report", str(report))
    clinic_a.out, clinic_a.err, clinic_a.report = out, err, report
    return clinic_a
