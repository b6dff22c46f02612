"""The clinic's own records in the admin: its clinicians (viewset, form, the clinics each view may reach)."""
