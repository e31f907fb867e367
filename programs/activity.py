"""A call's activity log as people read it: each line rendered from its ``data`` in the
reader's language, whatever app recorded it (phase changes and settings here; decisions,
approvals, overrides and the announcement in ``reviews``), and the CSV export."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from common.csv_export import csv_stream, streaming_csv_response
from common.templatetags.portal import local_dt

from .enums import CyclePhase, DocumentKind
from .models import CycleActivity

# Rows fetched at a time while streaming the CSV (the whole log is never in memory).
CSV_CHUNK = 500


@dataclass(frozen=True)
class ActivityLine:
    at: datetime
    kind: str
    kind_label: str
    actor: str
    subject: str
    changes: list[tuple[str, str]]  # (what, value) pairs, already readable
    old: str
    new: str
    note: str


def _readable(value) -> str:
    """A value of ``data`` as text: moments in KST/JST, phases and document kinds by their
    label, lists joined."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_readable(item) for item in value) if value else "—"
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_readable(item)}" for key, item in value.items())
    if isinstance(value, str):
        if value in CyclePhase.values:
            return str(CyclePhase(value).label)
        if value in DocumentKind.values:
            return str(DocumentKind(value).label)
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None and "T" in value:
            return local_dt(moment)
        return value
    return str(value)


def describe_activity(line: CycleActivity) -> ActivityLine:
    """Any line, of any kind, as something to show: known shapes (``field``/``old``/``new``,
    ``from``/``to``) as old → new, every other entry of ``data`` as a labelled value."""
    from .services import setting_label

    data = dict(line.data or {})
    subject = line.subject
    old = new = ""
    if "field" in data:
        subject = setting_label(str(data.pop("field")))
    if "old" in data or "new" in data:
        old, new = _readable(data.pop("old", None)), _readable(data.pop("new", None))
    elif "from" in data or "to" in data:
        old, new = _readable(data.pop("from", None)), _readable(data.pop("to", None))
    return ActivityLine(
        at=line.created_at,
        kind=line.kind,
        kind_label=str(line.get_kind_display()),
        actor=str(line.actor) if line.actor_id else _("the portal"),
        subject=subject,
        changes=[(str(key).replace("_", " "), _readable(value)) for key, value in data.items()],
        old=old,
        new=new,
        note=line.note,
    )


def _rows(lines: Iterable[CycleActivity]) -> Iterator[list[str]]:
    for line in lines:
        described = describe_activity(line)
        yield [
            local_dt(described.at),
            described.kind_label,
            described.actor,
            described.subject,
            described.old,
            described.new,
            "; ".join(f"{what}: {value}" for what, value in described.changes),
            described.note,
        ]


def activity_csv_response(lines, *, filename: str):
    """The filtered log as CSV, streamed in chunks, cells safe from formula injection."""
    headers = [
        _("Time"),
        _("Kind"),
        _("Who"),
        _("What"),
        _("Before"),
        _("After"),
        _("Details"),
        _("Note"),
    ]
    return streaming_csv_response(
        csv_stream(headers, _rows(lines.iterator(chunk_size=CSV_CHUNK))), filename=filename
    )
