"""The procedure library: master procedure and recovery pages written once for the network, adopted by clinics.

The library is a page tree under the Wagtail root that no Site points at, so no host serves it; its editors and
medical reviewers are network groups with page permissions on its root (clinics/roles.py, LIBRARY_ROLES). A clinic
adopts a master as a draft copy in its own tree (`adoption.py`), linked to the master revision it came from
(`LibraryAdoption`, `records.py`); when the master is published again, the copy shows what changed, section by
section, and the clinic takes the new text or keeps its own (`updates.py`).
"""
