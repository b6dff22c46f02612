"""Who may read the library, adopt from it into which clinic, and open which adoption: checked on the server.

The library is the one thing clinic staff see outside their clinic: its published masters, read-only. What another
clinic did with a master (whether it adopted it, its copy) is never among it: every adoption a user reaches is one
of a clinic whose pages they may edit.
"""

from django.http import Http404
from wagtail.models import Site

from pages.clinics.scope import ClinicDirectory, ClinicScope
from pages.library.adoption import adoption_parent, published_masters
from pages.library.pages import MasterProcedurePage
from pages.library.records import LibraryAdoption


def editable_clinics(user):
    scope = ClinicScope.of(user)
    return scope.editable_clinics(ClinicDirectory())


def may_read_library(user):
    """Network admins, the library's own editors and reviewers, and anyone who may edit a clinic's pages."""
    return ClinicScope.of(user).edits_pages


def adopting_clinics(user):
    """(clinic, home page) of each clinic where `user` may add the adopted page, by clinic name."""
    found = []
    clinics = editable_clinics(user)
    sites = Site.objects.filter(pk__in=[clinic.pk for clinic in clinics]).select_related("root_page")
    homes = {site.pk: site.root_page for site in sites}
    for clinic in clinics:
        home = homes.get(clinic.pk)
        if home is None:
            continue
        parent = adoption_parent(home)
        if MasterProcedurePage.clinic_model in parent.specific_class.allowed_subpage_models() and (
            parent.permissions_for_user(user).can_add_subpage()
        ):
            found.append((clinic, home))
    return found


def readable_master(user, master_id):
    """The published master `master_id` for a reader of the library; 404 for anything else."""
    if not may_read_library(user):
        raise Http404
    master = published_masters().filter(pk=master_id).specific().first()
    if master is None:
        raise Http404
    return master


def own_adoptions(user):
    """The adoptions of the clinics whose pages `user` may edit."""
    if ClinicScope.of(user).is_network_admin:
        return LibraryAdoption.objects.all()
    return LibraryAdoption.objects.filter(site_id__in=[clinic.pk for clinic in editable_clinics(user)])


def own_adoption(user, adoption_id):
    """Adoption `adoption_id` when its clinic page is one `user` may edit; 404 otherwise (as for a missing one)."""
    adoption = own_adoptions(user).filter(pk=adoption_id).select_related("page", "master", "site").first()
    if adoption is None or not adoption.page.permissions_for_user(user).can_edit():
        raise Http404
    return adoption
