"""Exports of a cycle for its managers: the ranking and the application list, as CSV and
Excel (.xlsx, written by openpyxl).

A table is read with a fixed number of queries, whatever the number of rows (the ranking
selector plus one aggregate). Its rows are an iterator computed only when first read, so
a CSV response sends its byte-order mark and header at once and then the rows in chunks
of ``CSV_CHUNK_ROWS``; the .xlsx file is built by a Celery task (``reviews.build_export``,
openpyxl's write-only mode) that saves its progress every ``XLSX_PROGRESS_EVERY`` rows.
Both formats are safe to open in a spreadsheet: text a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is prefixed with
``'`` in CSV, and written as a text cell (never a formula) in .xlsx, where it keeps its exact value.
Times are in Korea/Japan time (UTC+9), which Excel cannot store with a zone.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from itertools import islice

from django.db.models import Avg
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from applications.answer_export import AnswerColumns, answer_columns
from applications.enums import SENT_IN, ApplicationStatus
from applications.models import Application
from common.csv_export import Echo, csv_safe, streaming_csv_response
from partners.selectors import interest_labels
from programs.enums import Field, Organisation
from programs.models import Cycle

from .enums import AssignmentStatus, ExportKind, ReviewStatus
from .models import CriterionScore
from .selectors import RankingRow, application_field, iter_cycle_ranking, track_item_label

CENT = Decimal("0.01")

Value = str | int | Decimal | datetime | bool | None


CSV_CHUNK_ROWS = 200
XLSX_PROGRESS_EVERY = 500


@dataclass(frozen=True)
class Table:
    """A header row and the rows, read once: ``rows`` runs its queries when first read."""

    title: str
    headers: list[str]
    rows: Iterable[list[Value]]


def _local(moment: datetime | None) -> datetime | None:
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


# --- Tables -------------------------------------------------------------------------------


def _organisation_criterion_means(cycle: Cycle) -> dict[tuple[int, str, int], Decimal]:
    """(application id, organisation, criterion id) → mean raw score, in one query."""
    rows = (
        CriterionScore.objects.filter(
            review__status=ReviewStatus.SUBMITTED,
            review__assignment__status=AssignmentStatus.ACTIVE,
            review__assignment__application__cycle=cycle,
        )
        .values(
            "review__assignment__application_id",
            "review__assignment__reviewer__organisation",
            "criterion_id",
        )
        .annotate(mean=Avg("score"))
        .values_list(
            "review__assignment__application_id",
            "review__assignment__reviewer__organisation",
            "criterion_id",
            "mean",
        )
    )
    return {
        (application_id, organisation, criterion_id): Decimal(mean).quantize(CENT)
        for application_id, organisation, criterion_id, mean in rows
    }


def _score_headers(criteria) -> list[str]:
    headers = [
        _("Weighted mean (0–100)"),
        _("MSS mean"),
        _("iPark mean"),
        _("Combined"),
        _("Normalised"),
        _("Spread"),
        _("Disagreement"),
        _("Completed reviews"),
        _("Required reviews"),
    ]
    organisations = dict(Organisation.choices)
    for criterion in criteria:
        headers.append(
            _("%(criterion)s (mean of %(max)d)")
            % {"criterion": criterion.name, "max": criterion.max_score}
        )
        for organisation in Organisation.values:
            headers.append(
                _("%(criterion)s — %(organisation)s")
                % {
                    "criterion": criterion.name,
                    "organisation": organisations[organisation].split(" (")[0],
                }
            )
    return headers


def _score_values(row: RankingRow | None, criteria, by_organisation) -> list[Value]:
    if row is None:
        return [None] * (9 + 3 * len(criteria))
    score = row.score
    values: list[Value] = [
        score.mean,
        score.mss_mean,
        score.ipark_mean,
        score.combined,
        score.normalised,
        score.spread,
        _("yes") if score.disagreement else _("no"),
        score.completed_reviews,
        score.required_reviews,
    ]
    for criterion in criteria:
        values.append(row.criterion_means.get(criterion.pk))
        for organisation in Organisation.values:
            values.append(by_organisation.get((score.application_id, organisation, criterion.pk)))
    return values


def ranking_table(cycle: Cycle) -> Table:
    """Every application in the ranking, in rank order, with its scores per criterion and
    per organisation."""
    criteria = list(cycle.criteria.order_by("order", "pk"))
    headers = [
        _("Rank"),
        _("Reference"),
        _("Company"),
        _("Company (Korean)"),
        _("Field"),
        _("Technology or challenge"),
        _("Decision"),
        *_score_headers(criteria),
        _("Partner interest"),
    ]
    return Table(title=_("Ranking"), headers=headers, rows=_ranking_rows(cycle, criteria))


def _ranking_rows(cycle: Cycle, criteria) -> Iterator[list[Value]]:
    # The stored ranking, read a chunk at a time: the ranks the ranking page shows.
    by_organisation = _organisation_criterion_means(cycle)
    fields = dict(Field.choices)
    interest = interest_labels(Application.objects.filter(cycle=cycle).values_list("pk", flat=True))
    for row in iter_cycle_ranking(cycle):
        yield [
            row.score.rank,
            row.application.reference,
            row.application.company.name_en,
            row.application.company.name_ko,
            fields.get(application_field(row.application), ""),
            track_item_label(row.application),
            ApplicationStatus(row.application.status).label,
            *_score_values(row, criteria, by_organisation),
            interest.get(row.application.pk, ""),
        ]


def applications_table(cycle: Cycle) -> Table:
    """Every sent-in application of the cycle (any status), with its answers' key facts,
    for those in the ranking their scores, and one column per question of the call
    (``applications.answer_export``: two queries whatever the number of applications)."""
    criteria = list(cycle.criteria.order_by("order", "pk"))
    questions = answer_columns(cycle)
    headers = [
        _("Reference"),
        _("Status"),
        _("Submitted at (KST/JST)"),
        _("Company"),
        _("Company (Korean)"),
        _("Business registration number"),
        _("Representative"),
        _("Employees"),
        _("Website"),
        _("Field"),
        _("Technology or challenge"),
        _("Project title"),
        _("Budget requested (KRW)"),
        _("Rank"),
        *_score_headers(criteria),
        *questions.headers,
        _("Partner interest"),
    ]
    return Table(
        title=_("Applications"),
        headers=headers,
        rows=_application_rows(cycle, criteria, questions),
    )


def _application_rows(cycle: Cycle, criteria, questions: AnswerColumns) -> Iterator[list[Value]]:
    ranked = {row.application.pk: row for row in iter_cycle_ranking(cycle)}
    by_organisation = _organisation_criterion_means(cycle)
    fields = dict(Field.choices)
    applications = (
        Application.objects.filter(cycle=cycle, status__in=SENT_IN)
        .select_related("company", "technology", "challenge", "cycle__program")
        .order_by("reference")
    )
    interest = interest_labels(applications.values_list("pk", flat=True))
    for application in applications:
        row = ranked.get(application.pk)
        yield (
            [
                application.reference,
                ApplicationStatus(application.status).label,
                _local(application.submitted_at),
                application.company.name_en,
                application.company.name_ko,
                application.company.business_number_display,
                application.company.representative,
                application.company.employees,
                application.company.website,
                fields.get(application_field(application), ""),
                track_item_label(application),
                application.title,
                application.budget_krw,
                row.score.rank if row else None,
                *_score_values(row, criteria, by_organisation),
                *questions.row(application.pk),
                interest.get(application.pk, ""),
            ]
        )


# --- Formats ------------------------------------------------------------------------------


def _csv_text(value: Value) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, str):
        return csv_safe(value)
    return str(value)


def csv_lines(table: Table, *, chunk_rows: int = CSV_CHUNK_ROWS) -> Iterator[str]:
    """The byte-order mark and the header row first (before any row is computed), then
    the rows ``chunk_rows`` at a time."""
    writer = csv.writer(Echo())
    # A byte-order mark, so that Excel reads the UTF-8 (Korean, Japanese) correctly.
    yield "\ufeff" + writer.writerow([_csv_text(header) for header in table.headers])
    rows = iter(table.rows)
    while chunk := list(islice(rows, chunk_rows)):
        yield "".join(writer.writerow([_csv_text(value) for value in row]) for row in chunk)


def csv_response(table: Table, *, filename: str) -> StreamingHttpResponse:
    return streaming_csv_response(csv_lines(table), filename=filename)


def _plain(value):
    """Lazy translations (choice labels) as the text they stand for."""
    return str(value) if isinstance(value, Promise) else value


def _xlsx_cell(sheet, value: Value, font: Font | None = None) -> WriteOnlyCell:
    value = _plain(value)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Never a formula: a company called "=HYPERLINK(…)" stays that text.
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    if font is not None:
        cell.font = font
    return cell


def xlsx_write(
    table: Table,
    destination,
    *,
    sheet: str,
    progress: Callable[[int, int], None] | None = None,
    every: int = XLSX_PROGRESS_EVERY,
) -> int:
    """Write ``table`` as an .xlsx workbook (openpyxl's write-only mode: rows go to the
    file as they come, memory stays flat) to ``destination`` (a path or a binary file).
    ``progress(done, total)`` is called once the rows are known, every ``every`` rows,
    and at the end. Returns the number of rows."""
    rows = list(table.rows)
    total = len(rows)
    if progress is not None:
        progress(0, total)
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    worksheet.append([_xlsx_cell(worksheet, header, bold) for header in table.headers])
    for done, row in enumerate(rows, start=1):
        worksheet.append([_xlsx_cell(worksheet, value) for value in row])
        if progress is not None and done % every == 0 and done < total:
            progress(done, total)
    workbook.save(destination)
    if progress is not None:
        progress(total, total)
    return total


def xlsx_bytes(table: Table, *, sheet: str) -> bytes:
    buffer = io.BytesIO()
    xlsx_write(table, buffer, sheet=sheet)
    return buffer.getvalue()


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_of(cycle: Cycle, kind: str) -> Table:
    """The export ``kind`` (``ExportKind``) of the cycle."""
    return ranking_table(cycle) if kind == ExportKind.RANKING else applications_table(cycle)
