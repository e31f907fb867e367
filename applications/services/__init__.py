"""Writes of the applications domain. Keyword-only, take the acting user, one transaction
each; side effects are listed in each docstring. Notifications are recorded in the
action's own transaction (the outbox).

By sub-domain: ``companies`` (companies, teams, invitations), ``drafts`` (starting,
editing, deleting), ``documents`` (uploads) and ``status`` (the state machine). Callers
import from ``applications.services``.
"""

from ._common import NotEditable, StaleVersion, SubmissionRefused
from .answers import answer_file_delete, answer_file_upload, answers_save
from .companies import (
    COMPANY_FIELDS,
    company_create,
    company_update,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_remove,
)
from .documents import document_delete, document_upload
from .drafts import (
    application_delete,
    application_first_save,
    application_start,
    application_update,
)
from .status import (
    application_decide,
    application_screen,
    application_submit,
    application_transition,
    application_withdraw,
)

__all__ = [
    "COMPANY_FIELDS",
    "NotEditable",
    "StaleVersion",
    "SubmissionRefused",
    "answer_file_delete",
    "answer_file_upload",
    "answers_save",
    "application_decide",
    "application_delete",
    "application_first_save",
    "application_screen",
    "application_start",
    "application_submit",
    "application_transition",
    "application_update",
    "application_withdraw",
    "company_create",
    "company_update",
    "document_delete",
    "document_upload",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "membership_remove",
]
