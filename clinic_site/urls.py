from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from pages.isolation import public as isolation_public
from pages.isolation import urls as isolation_urls
from pages.isolation.shadows import admin_view
from pages.page_cache import tokens as form_tokens
from pages.patient_messages.admin.dashboard import ClinicHomeView
from pages.public import favicon, health
from pages.public import views as public

urlpatterns = [
    path("healthz/", health.healthz, name="healthz"),
    # Per-clinic routes: the view reads the clinic from the Host; they must come before Wagtail's page serving.
    path("search/", public.search, name="search"),
    # The per-visitor CSRF and one-time tokens of a cached page's form (pages/page_cache/tokens.py).
    path("_form-tokens/", form_tokens.form_tokens, name="form_tokens"),
    path("sitemap.xml", public.sitemap, name="sitemap"),
    path("robots.txt", public.robots_txt, name="robots_txt"),
    # Wagtail's dashboard, named for the user's clinic (pages/patient_messages/admin/dashboard.py).
    path("admin/", admin_view(ClinicHomeView.as_view()), name="clinic_admin_home"),
    path("favicon.svg", favicon.favicon, name="favicon"),
    path("brand.css", favicon.brand_css, name="brand_css"),
    # Ahead of Wagtail's admin, at the same prefix: the clinic-isolation seals (pages/isolation/urls.py).
    path("admin/", include(isolation_urls)),
    path("admin/", include(wagtailadmin_urls)),
    # Ahead of Wagtail's document and page URLs: documents and password forms on their own clinic's host only.
    path("", include(isolation_public)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail serves every other path from the tree of the request's clinic; this must come last.
urlpatterns += [path("", include(wagtail_urls))]

# A database that is away answers 503 with the patient's text kept (pages/public/unavailable.py), not a 500.
handler500 = "pages.public.unavailable.server_error"
