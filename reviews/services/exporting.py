"""Spreadsheets built in the background for a cycle's managers (``ExportFile``): asked for
on a page, built by the ``reviews.build_export`` task with its progress saved as it goes,
stored in the documents' storage, downloadable until they expire, then swept."""

import logging
import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation

from programs.models import Cycle

from .. import exports
from ..enums import EXPORT_IN_PROGRESS, ExportKind, ExportStatus
from ..models import ExportFile

logger = logging.getLogger(__name__)


def export_ttl() -> timedelta:
    return timedelta(hours=settings.EXPORT_FILE_TTL_HOURS)


def export_request(*, cycle: Cycle, kind: str, actor, language: str) -> ExportFile:
    """Ask for the .xlsx export ``kind`` of the cycle, in ``language``.

    Side effects: an ``ExportFile`` row (pending); the build task queued after commit (a
    broker that is down leaves it pending, and the page says it is waiting)."""
    if kind not in ExportKind.values:
        raise ValueError(f"Unknown export {kind!r}.")
    with transaction.atomic():
        export = ExportFile.objects.create(
            cycle=cycle, kind=kind, requested_by=actor, language=language
        )
        transaction.on_commit(lambda: export_queue(export.pk))
    return export


def export_queue(export_id: int) -> None:
    from ..tasks import build_export

    try:
        build_export.delay(export_id)
    except Exception:  # the broker is unreachable: the export stays pending
        logger.exception("Could not queue export %s.", export_id)


def _progress(export_id: int):
    def save(done: int, total: int) -> None:
        ExportFile.objects.filter(pk=export_id).update(done=done, total=total)

    return save


def export_build(*, export_id: int) -> ExportFile:
    """Build the export's workbook (openpyxl write-only, to a temporary file), saving the
    progress every ``exports.XLSX_PROGRESS_EVERY`` rows, then store it.

    Side effects: status ``running``, then ``ready`` with the file and ``expires_at``
    (``EXPORT_FILE_TTL_HOURS`` ahead), or ``failed`` if anything raised. An export that is
    no longer in progress (built, expired) is left as it is."""
    export = ExportFile.objects.select_related("cycle__program").get(pk=export_id)
    if export.status not in EXPORT_IN_PROGRESS:
        return export
    ExportFile.objects.filter(pk=export_id).update(status=ExportStatus.RUNNING)
    try:
        with translation.override(export.language), tempfile.TemporaryFile() as workbook:
            table = exports.table_of(export.cycle, export.kind)
            exports.xlsx_write(
                table,
                workbook,
                sheet=str(ExportKind(export.kind).label),
                progress=_progress(export_id),
            )
            workbook.seek(0)
            export.file.save("export.xlsx", File(workbook), save=False)
    except Exception:
        ExportFile.objects.filter(pk=export_id).update(
            status=ExportStatus.FAILED, finished_at=timezone.now()
        )
        raise
    now = timezone.now()
    ExportFile.objects.filter(pk=export_id).update(
        status=ExportStatus.READY,
        file=export.file.name,
        finished_at=now,
        expires_at=now + export_ttl(),
    )
    export.refresh_from_db()
    return export


def exports_sweep_expired(*, now: datetime | None = None) -> int:
    """Delete the files of the exports past ``expires_at`` (and of those that never
    finished within the time to live). Side effects: the files removed from storage, the
    rows kept as ``expired`` (so a late download answers 410 Gone). Returns how many."""
    now = now or timezone.now()
    stale = ExportFile.objects.filter(expires_at__lte=now).exclude(
        status=ExportStatus.EXPIRED
    ) | ExportFile.objects.filter(
        status__in=[*EXPORT_IN_PROGRESS, ExportStatus.FAILED], requested_at__lte=now - export_ttl()
    )
    swept = 0
    for export in stale.distinct():
        if export.file.name:
            export.file.storage.delete(export.file.name)
        ExportFile.objects.filter(pk=export.pk).update(status=ExportStatus.EXPIRED, file="")
        swept += 1
    return swept
