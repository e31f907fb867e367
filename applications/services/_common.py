"""Errors shared by the applications services."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from common.exceptions import TransitionError

from ..enums import (
    ApplicationStatus,
)
from ..models import (
    Application,
)
from ..requirements import DOCUMENTS, Problem

S = ApplicationStatus

# --- Errors -------------------------------------------------------------------------------


class NotEditable(TransitionError):
    """The application is no longer a draft: its answers and documents are frozen."""


class StaleVersion(Exception):
    """Someone saved the application since the editor loaded it (optimistic concurrency).

    ``current`` is the application as it is now, to show what changed.
    """

    def __init__(self, current: Application):
        super().__init__("stale version")
        self.current = current


class SubmissionRefused(ValidationError):
    """Submission checks failed. Each failure says where it belongs: ``deadline_passed``
    (the call), ``problems`` (a step and field each) and ``missing_consents`` (kinds)."""

    def __init__(
        self,
        *,
        deadline_passed: bool = False,
        problems: list[Problem] | None = None,
        missing_consents: list[str] | None = None,
    ):
        self.deadline_passed = deadline_passed
        self.problems = problems or []
        self.missing_consents = missing_consents or []
        messages = []
        if deadline_passed:
            messages.append(_("The call is no longer accepting applications."))
        messages.extend(problem.message for problem in self.problems)
        if self.missing_consents:
            messages.append(_("Both consents are needed to submit."))
        super().__init__(messages, code="submission_refused")

    # For clients (the API's error contract, ``common.api``): a late submission is refused
    # by the state of the call (409, ``deadline_passed``); otherwise the draft is
    # incomplete (400, ``submission_incomplete``) and each problem names its field.
    @property
    def api_status(self) -> int:
        return 409 if self.deadline_passed else 400

    @property
    def api_code(self) -> str:
        return "deadline_passed" if self.deadline_passed else "submission_incomplete"

    @property
    def api_fields(self) -> dict[str, list[str]]:
        fields: dict[str, list[str]] = {}
        for problem in self.problems:
            key = f"documents.{problem.field}" if problem.step == DOCUMENTS.slug else problem.field
            fields.setdefault(key, []).append(str(problem.message))
        if self.missing_consents:
            fields["consents"] = [str(_("Both consents are needed to submit."))]
        return fields
