"""Starting, editing (optimistic concurrency) and deleting drafts."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.exceptions import TransitionError
from programs.models import Cycle

from ..enums import (
    EDITABLE,
    LIVE,
)
from ..models import (
    Application,
    Company,
    StatusChange,
)
from ..requirements import answer_fields
from ._common import NotEditable, S, StaleVersion
from .companies import _require_member
from .documents import _delete_files

# --- Drafts -------------------------------------------------------------------------------


def application_start(
    *, company: Company, cycle: Cycle, actor: User, now: datetime | None = None
) -> tuple[Application, bool]:
    """Start a draft for ``company`` in ``cycle``, or return its live application.

    Returns ``(application, created)``. Refuses when the call is not accepting
    applications. Side effects when created: the ``Application`` (draft) and its first
    ``StatusChange`` row. The database constraint decides a race between two members.
    """
    _require_member(actor, company)
    existing = Application.objects.filter(company=company, cycle=cycle, status__in=LIVE).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    if not cycle.is_accepting_applications(now):
        raise TransitionError(
            _("This call is not accepting applications."), code="cycle_not_accepting"
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                company=company, cycle=cycle, created_by=actor, updated_by=actor, updated_at=now
            )
            StatusChange.objects.create(
                application=application,
                from_status="",
                to_status=S.DRAFT,
                actor=actor,
                created_at=now,
            )
    except IntegrityError:
        existing = Application.objects.filter(company=company, cycle=cycle, status__in=LIVE).first()
        if existing is None:
            raise
        return existing, False
    return application, True


def application_first_save(
    *, company: Company, cycle: Cycle, actor, data: dict, expected_version: int
) -> tuple[Application | None, bool]:
    """The applicant's first save: create the draft and save ``data`` into it, together.

    Choosing the company only opens an empty form; the draft exists from its first save,
    so that nothing empty piles up on the dashboard. Nothing typed (every answer empty)
    creates nothing: returns ``(None, False)``. When the company already has a live
    application in the call (a teammate or another tab saved first), the answers go into
    that one like any save (``StaleVersion`` if it changed since ``expected_version``).
    Returns ``(application, created)``. Side effects: those of ``application_start`` and
    ``application_update``, in one transaction.
    """
    if not any(value not in (None, "", [], 0) for value in data.values()):
        existing = Application.objects.filter(company=company, cycle=cycle, status__in=LIVE).first()
        return existing, False
    with transaction.atomic():
        application, created = application_start(company=company, cycle=cycle, actor=actor)
        if created:
            expected_version = application.version
        application_update(
            application=application, actor=actor, data=data, expected_version=expected_version
        )
    return application, created


def application_update(
    *, application: Application, actor: User, data: dict, expected_version: int
) -> Application:
    """Save answers of a draft (partial saves allowed: nothing here is required).

    ``expected_version`` is the version the editor loaded. When someone saved since and
    the data differs from what is stored, ``StaleVersion`` is raised and nothing is
    written; saving values identical to the stored ones is a no-op and never a conflict.
    Side effects: the answers, ``version`` + 1, ``updated_at`` and ``updated_by``.
    """
    allowed = set(answer_fields(application.track))
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"Not answers of this track: {sorted(unknown)}")
    _require_member(actor, application.company)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in EDITABLE:
            raise NotEditable(
                _("This application has been submitted and can no longer be changed."),
                code="not_editable",
            )
        changed = [key for key, value in data.items() if getattr(locked, key) != value]
        if not changed:
            _copy(locked, application)
            return application
        if locked.version != expected_version:
            raise StaleVersion(locked)
        for key in changed:
            setattr(locked, key, data[key])
        locked.version += 1
        locked.updated_at = timezone.now()
        locked.updated_by = actor
        locked.save(update_fields=[*changed, "version", "updated_at", "updated_by"])
    _copy(locked, application)
    return application


def _copy(source: Application, target: Application) -> None:
    if source is target:
        return
    for field in Application._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


def application_delete(*, application: Application, actor: User) -> None:
    """Delete a draft (any member). Side effects: the row, its documents' rows and, after
    commit, their files are deleted; the place in the cycle is free again."""
    _require_member(actor, application.company)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in EDITABLE:
            raise NotEditable(
                _("Only a draft can be deleted; withdraw a submitted application instead."),
                code="not_editable",
            )
        names = list(locked.documents.values_list("file", flat=True))
        names += list(locked.question_answers.exclude(file="").values_list("file", flat=True))
        locked.delete()
        transaction.on_commit(lambda: _delete_files(names), robust=True)
