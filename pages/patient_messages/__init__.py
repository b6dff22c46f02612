"""Patient messages: "Leave a message" under clinical pages, moderated by the clinic before anything is shown.

Owns the record and its Status (models.py), the pure rules (rules.py), the public form and flood limit (forms.py,
flood.py), receiving a message (submission.py), the page mixin that turns outcomes into responses (page.py),
every change of status or text (moderation.py), the audit actions (audit.py), the moderators' notification
(notifications.py) and the moderators' admin (admin/).
"""
