"""Applicant pages: thin views that parse the request, call a service or selector, render.

What the applicant typed is never lost: step forms save what is valid and show the rest
with its error; a stale version is reported with both versions on screen; a POST from an
expired session is kept in the (new) session and restored after logging in again.

By page group: ``dashboard`` (the dashboard, starting, the application page, withdrawing
and deleting), ``wizard`` (the step form, autosave and the review step), ``new`` (the empty form
until the first save), ``documents``
and ``companies`` (companies, teams and invitations).
"""

from .companies import (
    company_create,
    company_detail,
    company_edit,
    invitation_accept,
    invitation_create,
    invitation_revoke,
    membership_remove,
)
from .dashboard import (
    application_delete,
    application_detail,
    application_start,
    application_withdraw,
    dashboard,
)
from .documents import answer_file_download, document_delete, document_download, document_upload
from .new import application_new, application_new_autosave
from .wizard import application_autosave, application_edit

__all__ = [
    "answer_file_download",
    "application_autosave",
    "application_delete",
    "application_detail",
    "application_edit",
    "application_new",
    "application_new_autosave",
    "application_start",
    "application_withdraw",
    "company_create",
    "company_detail",
    "company_edit",
    "dashboard",
    "document_delete",
    "document_download",
    "document_upload",
    "invitation_accept",
    "invitation_create",
    "invitation_revoke",
    "membership_remove",
]
