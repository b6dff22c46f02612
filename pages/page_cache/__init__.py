"""Public pages served from caches: honest Cache-Control, a full-page cache in the shared cache, and its purges.

- middleware.py: which responses may be kept by any cache (anonymous GETs of clinic pages without cookies) and the
  full-page cache in Django's shared cache, keyed by site, path, host and the message page number;
- store.py: the cache entries and the generations that purge them (a whole clinic, all clinics, one page);
- purge.py: what changes purge what (publish, unpublish, move, delete, Clinic settings, images, view restrictions,
  public messages), after the change commits, in this cache and the edge cache;
- edge.py: Wagtail's frontend_cache backend for the Varnish in front of the app (deploy/varnish/default.vcl);
- tokens.py: the per-visitor CSRF and one-time form tokens, fetched by a small script so the page HTML stays the
  same for everyone, and the no-script path that asks the patient to send the form again.
"""
