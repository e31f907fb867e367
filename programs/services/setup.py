"""Setting up a call: creating it (or copying a previous one), changing its settings and
its rubric, each change recorded in the call's activity log."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.utils import build_localized_fieldname

from accounts.models import User

from .. import signals
from ..enums import ActivityKind, CyclePhase, DocumentKind, Track
from ..models import Criterion, Cycle, Program
from ..rules import is_program_manager
from . import activity_record

# =========================================================================================
# Setting up a call
# =========================================================================================
#
# What may change when, as data. While a call is a draft every setting may change. Once it
# is open, applicants rely on what was published: only the texts, additional optional
# documents, a later closing date (while it is open) and the quota (until both
# organisations approved the decisions) may change. The rubric's texts may be corrected
# after opening; its criteria, weights and maximum scores may not; and nothing of it once
# the first score is saved. Other apps add locks through ``signals.setting_locks``.


def _languages() -> list[str]:
    return [code for code, _label in settings.LANGUAGES]


def translated(field: str) -> list[str]:
    """``name`` → ``["name_en", "name_ko", "name_ja"]``."""
    return [build_localized_fieldname(field, language) for language in _languages()]


TEXT_SETTINGS = frozenset(translated("name") + translated("description"))
DATE_SETTINGS = ("opens_at", "closes_at", "review_due_at", "announce_at")
SCALAR_SETTINGS = frozenset(
    {
        *TEXT_SETTINGS,
        "slug",
        "code",
        *DATE_SETTINGS,
        "selection_quota",
        "reviews_per_application",
        "blind_review",
        "required_document_kinds",
        "optional_document_kinds",
    }
)
ITEM_SETTINGS = frozenset({"technologies", "challenges"})
# Settings that may change after the call opened, each with its condition (checked in
# ``_check_change_after_opening``).
CHANGEABLE_AFTER_OPENING = frozenset(
    {*TEXT_SETTINGS, "closes_at", "optional_document_kinds", "selection_quota"}
)
CRITERION_TEXTS = frozenset(translated("name") + translated("description"))


# Settings kept outside ``Cycle``'s own fields (the rubric here, the pool in ``reviews``).
EXTRA_LABELS = {
    "rubric": gettext_lazy("Rubric"),
    "reviewer_pool": gettext_lazy("Reviewer pool"),
    "questions": gettext_lazy("Questions for this call"),
}


# What a new call (not a copy) starts with, to be set up before it opens.
NEW_CALL_DEFAULTS = {"selection_quota": 10}


@dataclass(frozen=True)
class CriterionInput:
    """One row of the rubric as the manager left it, in the order of the list."""

    pk: int | None
    texts: dict[str, str]  # name_en … description_ja
    weight: Decimal
    max_score: int


@dataclass
class SettingsUpdate:
    """What ``cycle_update`` changed and whom it told."""

    changed: list[str] = field(default_factory=list)
    notified: int = 0


def setting_label(name: str) -> str:
    """The label of a setting (a field of ``Cycle`` or ``"rubric"``) in the current language."""
    if name in EXTRA_LABELS:
        return str(EXTRA_LABELS[name])
    try:
        model_field = Cycle._meta.get_field(name)
    except Exception:
        return name
    label = str(model_field.verbose_name)  # type: ignore[union-attr]
    language = getattr(model_field, "language", None)
    return f"{label} [{language}]" if language else label


def _require_call_manager(program_id: int, actor: User) -> None:
    if actor is None or not is_program_manager(actor, program_id):
        raise PermissionDenied(_("Only a program manager of this program can do this."))


def setting_locks(cycle: Cycle) -> dict[str, str]:
    """``{group: reason}`` of the settings other apps lock now (``"rubric"``, ``"quota"``,
    ``"reopen"``)."""
    locks: dict[str, str] = {}
    for _receiver, response in signals.setting_locks.send(sender=Cycle, cycle=cycle):
        locks.update(response or {})  # type: ignore[arg-type]
    return locks


def _value(cycle: Cycle, name: str):
    if name in ITEM_SETTINGS:
        return sorted(getattr(cycle, name).values_list("pk", flat=True))
    return getattr(cycle, name)


def _jsonable(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _check_change_after_opening(cycle: Cycle, name: str, old, new, locks: dict) -> None:
    label = setting_label(name)
    if cycle.phase == CyclePhase.ARCHIVED:
        raise ValidationError(_("An archived call cannot change."), code="archived")
    if name not in CHANGEABLE_AFTER_OPENING:
        raise ValidationError(
            _("“%(setting)s” cannot change once the call is open: applicants rely on it.")
            % {"setting": label},
            code="locked_after_opening",
        )
    if name == "closes_at":
        if cycle.phase != CyclePhase.OPEN:
            raise ValidationError(
                _("The closing date can change only while the call is open."),
                code="closing_not_open",
            )
        if new <= old:
            raise ValidationError(
                _("Once the call is open its closing date may only move later."),
                code="closing_earlier",
            )
    if name == "optional_document_kinds" and not set(old) <= set(new):
        raise ValidationError(
            _("Once the call is open, optional documents may be added but not removed."),
            code="optional_removed",
        )
    if name == "selection_quota" and "quota" in locks:
        raise ValidationError(locks["quota"], code="quota_locked")


def _check_track_items(cycle: Cycle, values: dict) -> None:
    if values.get("technologies") and cycle.program.track != Track.JOINT_RND:
        raise ValidationError(
            {"technologies": _("Only joint R&D cycles offer catalogue technologies.")}
        )
    if values.get("challenges") and cycle.program.track != Track.OPEN_INNOVATION:
        raise ValidationError({"challenges": _("Only open innovation cycles offer challenges.")})


def _check_documents(required: list[str], optional: list[str]) -> None:
    both = set(required) & set(optional)
    if both:
        raise ValidationError(
            {
                "optional_document_kinds": _(
                    "A document cannot be both required and optional: %(documents)s."
                )
                % {"documents": ", ".join(str(DocumentKind(kind).label) for kind in sorted(both))}
            }
        )


def cycle_update(*, cycle: Cycle, actor: User, changes: dict[str, Any], now=None) -> SettingsUpdate:
    """Change settings of ``cycle`` (fields of ``SCALAR_SETTINGS`` and ``ITEM_SETTINGS``;
    ``technologies``/``challenges`` as lists of ids). Values equal to the current ones are
    ignored.

    Refuses (``ValidationError``, nothing saved) what may not change in the call's phase
    (see ``CHANGEABLE_AFTER_OPENING``) and a timeline out of order. Side effects: the
    cycle row; one ``SETTING_CHANGED`` activity line per changed setting (old → new);
    a later closing date of an open call sends ``signals.deadline_changed``, whose
    receivers tell the companies with drafts.

    Over 60 lines on purpose: the phase locks, the diff, the timeline check and the
    activity lines are read under one lock of the cycle, in that order.
    """
    _require_call_manager(cycle.program_id, actor)
    unknown = set(changes) - SCALAR_SETTINGS - ITEM_SETTINGS
    if unknown:
        raise ValueError(f"not a setting: {sorted(unknown)}")
    result = SettingsUpdate()
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().select_related("program").get(pk=cycle.pk)
        locks = setting_locks(locked) if locked.phase != CyclePhase.DRAFT else {}
        diff = {}
        for name, new in changes.items():
            old = _value(locked, name)
            if name in ITEM_SETTINGS:
                new = sorted(int(getattr(item, "pk", item)) for item in new)
            if old != new:
                diff[name] = (old, new)
        if not diff:
            return result
        errors: dict[str, list] = {}
        if locked.phase != CyclePhase.DRAFT:
            for name, (old, new) in diff.items():
                try:
                    _check_change_after_opening(locked, name, old, new, locks)
                except ValidationError as error:
                    errors.setdefault(name, []).extend(error.messages)
        if errors:
            raise ValidationError(errors)
        _check_track_items(locked, {name: new for name, (old, new) in diff.items()})
        for name, (_old, new) in diff.items():
            if name in SCALAR_SETTINGS:
                setattr(locked, name, new)
        _check_documents(locked.required_document_kinds, locked.optional_document_kinds)
        locked.full_clean(exclude=["program"])
        locked.save()
        for name, (_old, new) in diff.items():
            if name in ITEM_SETTINGS:
                getattr(locked, name).set(new)
        for name, (old, new) in diff.items():
            activity_record(
                cycle=locked,
                kind=ActivityKind.SETTING_CHANGED,
                actor=actor,
                subject=name,
                data={"field": name, "old": _jsonable(old), "new": _jsonable(new)},
            )
            result.changed.append(name)
        if "closes_at" in diff and locked.phase == CyclePhase.OPEN:
            old, new = diff["closes_at"]
            result.notified = _deadline_changed(locked, old, new, actor, early=False)
    cycle.refresh_from_db()
    return result


def _deadline_changed(cycle: Cycle, old, new, actor: User, *, early: bool) -> int:
    responses = signals.deadline_changed.send(
        sender=Cycle, cycle=cycle, old=old, new=new, early=early, actor=actor
    )
    return sum(response or 0 for _receiver, response in responses)  # type: ignore[misc]


def _rubric_line(criterion) -> str:
    return f"{criterion.name_en} ({criterion.weight}, /{criterion.max_score})"


def rubric_save(*, cycle: Cycle, actor: User, criteria: list[CriterionInput]) -> bool:
    """Replace ``cycle``'s rubric with ``criteria``, in that order (rows with a ``pk`` are
    kept and updated, new rows added, missing rows deleted).

    While the call is a draft anything may change; once open only the criteria's names
    and guidance; once a score is saved nothing (the reason comes from
    ``signals.setting_locks``). Side effects: the criteria; one ``SETTING_CHANGED``
    activity line (``rubric``, old → new) when anything changed. Returns whether it did.

    Over 60 lines on purpose: which criteria may change is judged on the rows locked with
    the cycle, then all of them are written in that same transaction.
    """
    _require_call_manager(cycle.program_id, actor)
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        current = {criterion.pk: criterion for criterion in locked.criteria.all()}
        before = [_rubric_line(criterion) for criterion in current.values()]
        before_texts = [
            {name: getattr(criterion, name) for name in CRITERION_TEXTS}
            for criterion in current.values()
        ]
        if any(item.pk is not None and item.pk not in current for item in criteria):
            raise ValidationError(_("The rubric changed meanwhile; reload the page."))
        errors = []
        for position, item in enumerate(criteria, start=1):
            if not (item.texts.get(build_localized_fieldname("name", "en")) or "").strip():
                errors.append(
                    _("Criterion %(number)d needs an English name.") % {"number": position}
                )
            if item.weight is None or item.weight <= 0:
                errors.append(
                    _("Criterion %(number)d needs a positive weight.") % {"number": position}
                )
            if item.max_score is None or not 1 <= item.max_score <= 100:
                errors.append(
                    _("Criterion %(number)d needs a maximum score between 1 and 100.")
                    % {"number": position}
                )
        if errors:
            raise ValidationError(errors)
        structure_before = [
            (criterion.pk, criterion.weight, criterion.max_score) for criterion in current.values()
        ]
        structure_after = [(item.pk, item.weight, item.max_score) for item in criteria]
        texts_after = [dict(item.texts) for item in criteria]
        if structure_before == structure_after and before_texts == [
            {name: texts.get(name, "") for name in CRITERION_TEXTS} for texts in texts_after
        ]:
            return False
        if locked.phase != CyclePhase.DRAFT:
            locks = setting_locks(locked)
            if "rubric" in locks:
                raise ValidationError(locks["rubric"], code="rubric_locked")
            if structure_before != structure_after:
                raise ValidationError(
                    _(
                        "The criteria, their weights and maximum scores were published with "
                        "the call; once it is open only their names and guidance may change."
                    ),
                    code="rubric_published",
                )
        kept = {item.pk for item in criteria if item.pk is not None}
        locked.criteria.exclude(pk__in=kept).delete()
        for order, item in enumerate(criteria, start=1):
            criterion = (current.get(item.pk) if item.pk else None) or Criterion(cycle=locked)
            for name in CRITERION_TEXTS:
                setattr(criterion, name, item.texts.get(name, "") or "")
            criterion.weight = item.weight
            criterion.max_score = item.max_score
            criterion.order = order
            criterion.full_clean(exclude=["cycle"])
            criterion.save()
        after = [_rubric_line(criterion) for criterion in locked.criteria.all()]
        activity_record(
            cycle=locked,
            kind=ActivityKind.SETTING_CHANGED,
            actor=actor,
            subject="rubric",
            data={"field": "rubric", "old": before, "new": after},
        )
    return True


def cycle_create(
    *, program: Program, actor: User, values: dict[str, Any], copy_from: Cycle | None = None
) -> Cycle:
    """Create a draft call of ``program`` from ``values`` (names, slug, code, the four
    dates; any other setting of ``SCALAR_SETTINGS``).

    With ``copy_from`` (a call of the same program) everything but the dates and the names
    given is copied: descriptions, quota, reviews per application, blind review, documents,
    the rubric and the call's questions in every language, the offered technologies or
    challenges, and — through
    ``signals.cycle_copied`` — what other apps keep of it (the reviewer pool). Side
    effects: the cycle, its criteria, a ``CREATED`` activity line.
    """
    _require_call_manager(program.pk, actor)
    if copy_from is not None and copy_from.program_id != program.pk:
        raise ValidationError(_("Copy a call of the same program."), code="other_program")
    unknown = set(values) - SCALAR_SETTINGS
    if unknown:
        raise ValueError(f"not a setting: {sorted(unknown)}")
    with transaction.atomic():
        cycle = Cycle(program=program, **NEW_CALL_DEFAULTS)
        if copy_from is not None:
            for name in SCALAR_SETTINGS - set(DATE_SETTINGS) - {"slug", "code"}:
                setattr(cycle, name, getattr(copy_from, name))
        for name, value in values.items():
            setattr(cycle, name, value)
        _check_documents(cycle.required_document_kinds, cycle.optional_document_kinds)
        cycle.full_clean()
        cycle.save()
        if copy_from is not None:
            for criterion in copy_from.criteria.all():
                copy = Criterion(cycle=cycle, weight=criterion.weight)
                for name in (*CRITERION_TEXTS, "max_score", "order"):
                    setattr(copy, name, getattr(criterion, name))
                copy.save()
            cycle.technologies.set(copy_from.technologies.all())
            cycle.challenges.set(copy_from.challenges.all())
            from .questions import questions_copy

            questions_copy(source=copy_from, cycle=cycle)
            signals.cycle_copied.send(sender=Cycle, source=copy_from, cycle=cycle, actor=actor)
        activity_record(
            cycle=cycle,
            kind=ActivityKind.CREATED,
            actor=actor,
            data={"copied_from": copy_from.name_en} if copy_from is not None else {},  # type: ignore[attr-defined]
        )
    return cycle
