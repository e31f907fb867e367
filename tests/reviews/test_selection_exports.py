"""Exports of the ranking and the application list (CSV and .xlsx): values, escaping,
query count, permissions."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from applications.enums import ApplicationStatus
from applications.models import Company
from applications.services import application_withdraw
from programs.enums import CyclePhase, Organisation, Track
from reviews.exports import csv_safe, ranking_table
from reviews.services import decisions_set
from tests.factories import (
    ProgramManagerFactory,
    ReviewerFactory,
    UserFactory,
    program_for,
    submitted_review,
)
from tests.reviews.selection_helpers import cycle_under_review, score_both, set_phase, under_review
from tests.support.reviewing import private_media  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

S = ApplicationStatus


@pytest.fixture
def cycle_with_scores(manager):
    cycle, apps = cycle_under_review(
        manager.user, count=3, quota=2, reviewed=False, announcement_passed=False
    )
    kim = ReviewerFactory(organisation=Organisation.MSS)
    lee = ReviewerFactory(organisation=Organisation.MSS)
    sato = ReviewerFactory(organisation=Organisation.IPARK)
    innovation, team = cycle.criteria.order_by("order")
    # apps[0]: Kim (8, 6) → 73.33, Lee (6, 4) → 53.33 (MSS 63.33), Sato (7, 7) → 70 (iPark)
    submitted_review(apps[0], kim, {innovation: 8, team: 6})
    submitted_review(apps[0], lee, {innovation: 6, team: 4})
    submitted_review(apps[0], sato, {innovation: 7, team: 7})
    score_both(apps[1], mss=kim, ipark=sato, mss_scores=(5, 5), ipark_scores=(5, 5))
    decisions_set(cycle=cycle, applications=[apps[0]], decision=S.SELECTED, actor=manager.user)
    return cycle, apps


def _get(client, cycle, kind, fmt):
    """CSV: the streamed response. xlsx: asked for, built by the task (run when the request's
    transaction commits, as a worker would), then downloaded."""
    if fmt == "csv":
        return client.get(
            reverse("reviews:export", kwargs={"cycle_pk": cycle.pk, "kind": kind, "fmt": fmt})
        )
    with TestCase.captureOnCommitCallbacks(execute=True):
        started = client.post(
            reverse("reviews:export_start", kwargs={"cycle_pk": cycle.pk, "kind": kind})
        )
    if started.status_code != 302 or not started["Location"].startswith("/manage/"):
        return started  # refused (404), or sent to log in
    response = client.get(started["Location"] + "download/")
    if response.status_code == 200:
        response.body = b"".join(response.streaming_content)  # read to the end: closed
    return response


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def _xlsx(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.body)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_ranking_xlsx_has_scores_per_criterion_and_organisation(client, manager, cycle_with_scores):
    cycle, apps = cycle_with_scores
    client.force_login(manager.user)

    response = _get(client, cycle, "ranking", "xlsx")

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == (
        f'attachment; filename="{cycle.program.slug}-{cycle.code}-ranking.xlsx"'
    )
    header, first, second, third = _xlsx(response)
    assert header == [
        "Rank",
        "Reference",
        "Company",
        "Company (Korean)",
        "Field",
        "Technology or challenge",
        "Decision",
        "Weighted mean (0–100)",
        "MSS mean",
        "iPark mean",
        "Combined",
        "Normalised",
        "Spread",
        "Disagreement",
        "Completed reviews",
        "Required reviews",
        "Innovation (mean of 10)",
        "Innovation — MSS",
        "Innovation — iPark",
        "Team (mean of 10)",
        "Team — MSS",
        "Team — iPark",
        "Partner interest",  # its own column, no part of the score (issue 16)
    ]
    assert first[:7] == [
        1,
        apps[0].reference,
        apps[0].company.name_en,
        apps[0].company.name_ko,
        "Cell therapy",
        None,
        "Selected",
    ]
    # mean (73.33 + 53.33 + 70) / 3; MSS 63.33; iPark 70; combined 66.67; spread 20;
    # normalised: Kim z +1 (73.33 vs 50), Lee 0 (one review), Sato +1 → 50 + 10 × 0.75
    assert first[7:16] == [65.56, 63.33, 70, 66.67, 57.5, 20, "no", 3, 3]
    assert first[16:] == [7, 7, 7, 5.67, 5, 7, None]
    assert second[:2] == [2, apps[1].reference]
    assert third[1] == apps[2].reference
    assert third[7:13] == [None] * 6
    assert third[14:16] == [0, 2]


def test_ranking_csv_has_the_same_values(client, manager, cycle_with_scores):
    cycle, apps = cycle_with_scores
    client.force_login(manager.user)

    rows = _csv(_get(client, cycle, "ranking", "csv"))

    assert rows[0][:3] == ["Rank", "Reference", "Company"]
    assert rows[1][:2] == ["1", apps[0].reference]
    assert rows[1][7:11] == ["65.56", "63.33", "70.00", "66.67"]
    assert rows[1][16:] == ["7.00", "7.00", "7.00", "5.67", "5.00", "7.00", ""]
    assert rows[3][7:13] == [""] * 6


def test_application_list_has_every_sent_in_application_and_their_scores(
    client, manager, cycle_with_scores
):
    cycle, apps = cycle_with_scores
    set_phase(cycle, CyclePhase.OPEN)
    withdrawn = under_review(cycle, manager.user)
    owner = withdrawn.company.memberships.get().user
    application_withdraw(application=withdrawn, actor=owner, reason="Pivot")
    set_phase(cycle, CyclePhase.REVIEW)
    client.force_login(manager.user)

    header, *rows = _xlsx(_get(client, cycle, "applications", "xlsx"))

    assert header[:4] == ["Reference", "Status", "Submitted at (KST/JST)", "Company"]
    by_reference = {row[0]: row for row in rows}
    assert set(by_reference) == {a.reference for a in [*apps, withdrawn]}
    assert by_reference[apps[0].reference][1] == "Selected"
    assert by_reference[apps[0].reference][5] == apps[0].company.business_number_display
    assert by_reference[apps[0].reference][header.index("Combined")] == 66.67
    assert by_reference[withdrawn.reference][1] == "Withdrawn"
    assert by_reference[withdrawn.reference][header.index("Rank")] is None
    submitted = by_reference[apps[0].reference][2]
    assert submitted.tzinfo is None  # Korea/Japan time, without a zone Excel cannot store


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://evil","x")', "+82 Bio", "-2 Labs", "@SUM(A1)", "\tTab"]
)
def test_exports_never_let_a_spreadsheet_run_a_cell(client, manager, cycle_with_scores, name):
    cycle, apps = cycle_with_scores
    Company.objects.filter(pk=apps[0].company_id).update(name_en=name)
    client.force_login(manager.user)

    csv_rows = _csv(_get(client, cycle, "ranking", "csv"))
    sheet = load_workbook(io.BytesIO(_get(client, cycle, "ranking", "xlsx").body)).active

    assert csv_rows[1][2] == "'" + name
    cell = sheet.cell(row=2, column=3)
    assert (cell.value, cell.data_type) == (name, "s")


def test_csv_safe_leaves_ordinary_text_alone():
    assert csv_safe("Hanbit Cell (가상)") == "Hanbit Cell (가상)"
    assert csv_safe("=1+1") == "'=1+1"


def test_negative_numbers_stay_numbers_in_xlsx(client, manager, cycle_with_scores):
    cycle, _apps = cycle_with_scores
    client.force_login(manager.user)

    rows = _xlsx(_get(client, cycle, "ranking", "xlsx"))

    assert all(isinstance(row[0], int) for row in rows[1:])
    assert isinstance(rows[1][7], float)


@pytest.mark.parametrize(
    ("kind", "fmt"), [("ranking", "csv"), ("applications", "csv"), ("applications", "xlsx")]
)
def test_export_query_count_does_not_grow_with_rows(client, manager, kind, fmt):
    cycle, apps = cycle_under_review(
        manager.user, count=2, reviewed=False, announcement_passed=False
    )
    mss = ReviewerFactory(organisation=Organisation.MSS)
    ipark = ReviewerFactory(organisation=Organisation.IPARK)
    for application in apps:
        score_both(application, mss=mss, ipark=ipark)
    client.force_login(manager.user)
    _get(client, cycle, kind, fmt)

    def measure():
        with CaptureQueriesContext(connection) as queries:
            response = _get(client, cycle, kind, fmt)
            if fmt == "csv":
                b"".join(response.streaming_content)
        return len(queries)

    few = measure()
    set_phase(cycle, CyclePhase.OPEN)
    for _ in range(10):
        score_both(under_review(cycle, manager.user), mss=mss, ipark=ipark)
    set_phase(cycle, CyclePhase.REVIEW)

    assert measure() == few


EXPORTS = [(kind, fmt) for kind in ("ranking", "applications") for fmt in ("csv", "xlsx")]


@pytest.mark.parametrize(("kind", "fmt"), EXPORTS)
@pytest.mark.parametrize("who", ["anonymous", "applicant", "reviewer", "other_program_manager"])
def test_exports_only_for_the_programs_managers(client, cycle_with_scores, kind, fmt, who):
    cycle, apps = cycle_with_scores
    if who == "applicant":
        client.force_login(apps[0].company.memberships.get().user)
    elif who == "reviewer":
        client.force_login(ReviewerFactory().user)
    elif who == "other_program_manager":
        client.force_login(ProgramManagerFactory(programs=[program_for(Track.JOINT_RND)]).user)

    response = _get(client, cycle, kind, fmt)

    assert response.status_code == (302 if who == "anonymous" else 404)


@pytest.mark.parametrize(("kind", "fmt"), EXPORTS)
def test_exports_open_to_a_superuser_and_the_manager(client, manager, cycle_with_scores, kind, fmt):
    cycle, _apps = cycle_with_scores
    for user in (manager.user, UserFactory(is_superuser=True, is_staff=True)):
        client.force_login(user)
        assert _get(client, cycle, kind, fmt).status_code == 200


def test_unknown_export_is_not_found(client, manager, cycle_with_scores):
    cycle, _apps = cycle_with_scores
    client.force_login(manager.user)

    response = client.get(f"/manage/cycles/{cycle.pk}/export/ranking.pdf")

    assert response.status_code == 404


def test_decimal_scores_round_trip(cycle_with_scores):
    cycle, _apps = cycle_with_scores

    table = ranking_table(cycle)

    assert next(iter(table.rows))[10] == Decimal("66.67")
